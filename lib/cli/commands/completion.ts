import { Argument, type Command } from "commander";
import { completionScript, SHELLS, type Shell } from "../completion";

export function registerCompletionCommand(program: Command): void {
  program
    .command("completion")
    .description("print the shell completion script for bash or zsh")
    .addArgument(new Argument("<shell>", "bash or zsh").choices(SHELLS))
    .addHelpText(
      "after",
      `
bash: add to ~/.bashrc:   source <(hangar completion bash)
zsh:  add to ~/.zshrc, after compinit:   source <(hangar completion zsh)
      or save it once:   hangar completion zsh > "\${fpath[1]}/_hangar"`,
    )
    .action((shell: Shell) => {
      process.stdout.write(completionScript(program, shell));
    });
}
