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

const ACTIONS: Partial<Record<string, string>> = {
  open: "open",
  read: "read",
  write: "write",
  stat: "read",
  lstat: "read",
  fstat: "read",
  rename: "rename",
  mkdir: "create the directory",
  unlink: "remove",
  rm: "remove",
  chmod: "change the mode of",
  scandir: "list",
  copyfile: "copy",
};

/** Codes of system errors about a local file, which Node raises with or without the file's path. */
const FILE_CODES = new Set([
  "ENOENT",
  "EACCES",
  "EPERM",
  "EISDIR",
  "ENOTDIR",
  "ENOSPC",
  "EDQUOT",
  "EROFS",
  "EEXIST",
  "EFBIG",
  "EIO",
  "EMFILE",
  "ENFILE",
  "ENAMETOOLONG",
  "ELOOP",
  "EBUSY",
  "ETXTBSY",
]);

/**
 * A Node system error about a local file (ENOENT, EACCES, EISDIR, ENOSPC, EROFS...) as a usage
 * error naming the file (its own path, else `file` when the caller knows which file it was
 * using); null for anything else. Node's message ("ENOENT: no such file or directory, open '/x'")
 * is kept for its description only, so the user reads one plain sentence.
 */
export function localFileError(error: unknown, file?: string): CliError | null {
  if (!(error instanceof Error)) return null;
  const { code, path, dest, syscall } = error as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== "string" || (typeof path !== "string" && !(FILE_CODES.has(code) && syscall))) return null;
  const description = /^[A-Z0-9_]+: ([^,]+)/.exec(error.message)?.[1] ?? error.message;
  const action = ACTIONS[syscall ?? ""] ?? syscall ?? "use";
  const named = path ?? file ?? "a local file";
  const target = syscall === "rename" && dest ? `${named} to ${dest}` : named;
  return new CliError(EXIT.usage, `Cannot ${action} ${target}: ${description} (${code}).`);
}
