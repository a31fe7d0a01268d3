import { Command } from "commander";
import { reportError } from "../cli/main";
import { EXIT, EXIT_CODES_HELP } from "../cli/exit-codes";
import { HANGAR_VERSION } from "../version";
import { registerMigrateStorageCommand } from "./migrate-storage";

/**
 * `hangar-admin`: commands an operator runs on a Hangar host, with its configuration (DATABASE_URL, HANGAR_DATA_DIR,
 * HANGAR_S3_*), against the database and the stores themselves rather than through the API. Errors and exit codes
 * are the `hangar` command's (lib/cli/exit-codes.ts).
 */
export function buildAdminProgram(): Command {
  const program = new Command("hangar-admin")
    .description("Hangar's operator commands, run on a Hangar host with its configuration.")
    .version(`hangar-admin ${HANGAR_VERSION}`, "-V, --version", "print the version")
    .showHelpAfterError()
    .exitOverride()
    .addHelpText("after", `\n${EXIT_CODES_HELP}`);
  registerMigrateStorageCommand(program);
  program.commands.forEach((command) => command.exitOverride().showHelpAfterError());
  return program;
}

/** Runs hangar-admin on `argv` and returns the exit code. */
export async function adminMain(argv: string[]): Promise<number> {
  try {
    await buildAdminProgram().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    return reportError(error, (text) => process.stderr.write(text));
  }
}
