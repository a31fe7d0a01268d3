import { EXIT, type ExitCode } from "./exit-codes";

/** A failure the CLI reports as one message on stderr and an exit code (lib/cli/exit-codes.ts). */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** Per-field messages from the server, printed under the message. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);
