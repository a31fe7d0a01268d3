import { Command, CommanderError } from "commander";
import { registerAccountCommands } from "./commands/account";
import { registerDownloadCommand } from "./commands/download";
import { registerImageCommands } from "./commands/images";
import { registerInspect } from "./commands/inspect";
import { registerManageCommands } from "./commands/manage";
import { registerUploadCommand } from "./commands/upload";
import { CliError } from "./errors";
import { EXIT, EXIT_CODES_HELP } from "./exit-codes";

/** The `hangar` program; each command lives in lib/cli/commands/ and registers itself here. */
export function buildProgram(): Command {
  const program = new Command("hangar")
    .description("Hangar: inspect, upload and manage virtual-machine images from the command line.")
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      "after",
      `\nConfiguration: hangar login stores the server URL and token in $XDG_CONFIG_HOME/hangar/config.json\n(~/.config/hangar/config.json), readable by you only; HANGAR_URL and HANGAR_TOKEN override it.\n\n${EXIT_CODES_HELP}`,
    );
  registerInspect(program);
  registerAccountCommands(program);
  registerImageCommands(program);
  registerManageCommands(program);
  registerUploadCommand(program);
  registerDownloadCommand(program);
  // Subcommands report usage errors the same way as the program.
  const configure = (command: Command) => command.commands.forEach((sub) => configure(sub.exitOverride().showHelpAfterError()));
  configure(program);
  return program;
}

/** The message, then each field's message under the name the user typed, without saying anything twice. */
export function errorText(error: CliError): string {
  const fields = Object.entries(error.fields);
  if (fields.length === 0) return `hangar: ${error.message}`;
  const repeated = fields.every(([, message]) => error.message.includes(message));
  return [`hangar: ${repeated ? "the server refused these values; nothing was changed:" : error.message}`, ...fields.map(([field, message]) => `  ${field}: ${message}`)].join("\n");
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliError) {
      process.stderr.write(`${errorText(error)}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
