/**
 * Why an import stopped. `retry`: a cut the import resumes from (a reset connection, a stalled server, a
 * 5xx); the others are final and shown to the user as they are.
 */
export type ImportFailureKind = "forbidden" | "invalid" | "http" | "network" | "too_large" | "quota_exceeded" | "checksum" | "timeout" | "format" | "cancelled";

export class ImportFailure extends Error {
  constructor(
    readonly kind: ImportFailureKind,
    message: string,
    readonly retry = false,
  ) {
    super(message);
    this.name = "ImportFailure";
  }
}

/** An error as an ImportFailure: network errors (reset, refused, DNS) may be retried, anything unknown is final. */
export function asImportFailure(error: unknown): ImportFailure {
  if (error instanceof ImportFailure) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ENOSPC") return new ImportFailure("too_large", "The server ran out of disk space during the import. Ask an administrator to free space.");
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new ImportFailure("network", `The host could not be resolved (${message}).`, code === "EAI_AGAIN");
  if (code && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ECONNABORTED|EHOSTUNREACH|ENETUNREACH|UND_ERR_|ERR_STREAM_PREMATURE_CLOSE)/.test(code))
    return new ImportFailure("network", `The connection was lost (${code}).`, true);
  if (message === "aborted") return new ImportFailure("network", "The server closed the connection before the end of the file.", true);
  return new ImportFailure("network", message, false);
}
