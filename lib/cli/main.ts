import { Command, CommanderError } from "commander";
import { registerInspect } from "./commands/inspect";
import { EXIT } from "./exit-codes";

/** The `hangar` program; each command lives in lib/cli/commands/ and registers itself here. */
export function buildProgram(): Command {
  const program = new Command("hangar")
    .description("Hangar: inspect, upload and manage virtual-machine images from the command line.")
    .showHelpAfterError()
    .exitOverride();
  registerInspect(program);
  return program;
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
}
