import { Command, CommanderError } from "commander";
import { API_VERSION } from "../api/version";
import { HANGAR_VERSION } from "../version";
import { registerAccountCommands } from "./commands/account";
import { registerCompletionCommand } from "./commands/completion";
import { registerDownloadCommand } from "./commands/download";
import { registerFamilyCommands } from "./commands/families";
import { registerImageCommands } from "./commands/images";
import { registerImportCommand } from "./commands/import";
import { registerInspect } from "./commands/inspect";
import { registerManageCommands } from "./commands/manage";
import { registerProjectCommands } from "./commands/projects";
import { registerUploadCommand } from "./commands/upload";
import { registerUserCommands } from "./commands/users";
import { CliError, localFileError } from "./errors";
import { EXIT, EXIT_CODES_HELP } from "./exit-codes";

/**
 * The `hangar` program; each command lives in lib/cli/commands/ and registers itself here. The
 * registrations load nothing heavy: a command's action imports the API client, the inspector or
 * the upload client when it runs (lib/cli/connect.ts), so that `--help` starts in a few tens of ms.
 */
export function buildProgram(): Command {
  const program = new Command("hangar")
    .description("Hangar: inspect, upload and manage virtual-machine images from the command line.")
    .version(`hangar ${HANGAR_VERSION} (API ${API_VERSION})`, "-V, --version", "print hangar's version and the API version it speaks")
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      "after",
      `\nConfiguration: hangar login stores the server URL and token in $XDG_CONFIG_HOME/hangar/config.json\n(~/.config/hangar/config.json), readable by you only; HANGAR_URL and HANGAR_TOKEN override it.\nHANGAR_OUTPUT=json makes --output json the default of every command that prints a list or an object.\n\n${EXIT_CODES_HELP}`,
    );
  registerInspect(program);
  registerAccountCommands(program);
  registerImageCommands(program);
  registerManageCommands(program);
  registerFamilyCommands(program);
  registerUploadCommand(program);
  registerImportCommand(program);
  registerDownloadCommand(program);
  registerProjectCommands(program);
  registerUserCommands(program);
  registerCompletionCommand(program);
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
  return [
    `hangar: ${repeated ? "the server refused these values; nothing was changed:" : error.message}`,
    ...fields.map(([field, message]) => `  ${field}: ${message}`),
  ].join("\n");
}

/**
 * Prints an error the way a script can rely on and returns the exit code: a CliError as its
 * message, a local file's system error as a usage error naming the file, anything else as an
 * internal error (exit 70) whose stack only HANGAR_DEBUG shows.
 */
export function reportError(error: unknown, write: (text: string) => void, env: Record<string, string | undefined> = process.env): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const known = error instanceof CliError ? error : localFileError(error);
  if (known) {
    write(`${errorText(known)}\n`);
    return known.exitCode;
  }
  write(`hangar: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (env.HANGAR_DEBUG) write(`${error instanceof Error && error.stack ? error.stack : String(error)}\n`);
  else write("hangar: this is a bug in hangar; run again with HANGAR_DEBUG=1 to see where it happened, and report it.\n");
  return EXIT.internal;
}

/**
 * `hangar images ls | head`: a reader that stops early is no failure, and leaves no stack trace;
 * standard output that cannot be written otherwise (a full disk) is exit 2, like any local file.
 */
function onStdoutError(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") process.stderr.write(`hangar: cannot write to standard output: ${error.message}\n`);
  process.exit(error.code === "EPIPE" ? EXIT.ok : EXIT.usage);
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stdout.on("error", onStdoutError);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    return reportError(error, (text) => process.stderr.write(text));
  }
}
