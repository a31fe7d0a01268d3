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

const UNTRUSTED_ISSUER = "was issued by a certificate authority this server does not trust";
/** Why a server's certificate was refused, by the error code node:tls gives: the import never retries these. */
const CERTIFICATE_REFUSALS: Partial<Record<string, string>> = {
  ERR_TLS_CERT_ALTNAME_INVALID: "is not for this host",
  DEPTH_ZERO_SELF_SIGNED_CERT: "is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: UNTRUSTED_ISSUER,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED_ISSUER,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED_ISSUER,
  CERT_HAS_EXPIRED: "has expired",
  CERT_NOT_YET_VALID: "is not valid yet",
};

/** An error as an ImportFailure: network errors (reset, refused, DNS) may be retried, anything unknown is final. */
export function asImportFailure(error: unknown): ImportFailure {
  if (error instanceof ImportFailure) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const refused = code ? CERTIFICATE_REFUSALS[code] : undefined;
  if (refused)
    return new ImportFailure(
      "forbidden",
      `The server's TLS certificate ${refused} (${message}): the import was refused. An internal mirror's own CA can be trusted with HANGAR_IMPORT_CA_FILE.`,
    );
  if (code === "ENOSPC") return new ImportFailure("too_large", "The server ran out of disk space during the import. Ask an administrator to free space.");
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new ImportFailure("network", `The host could not be resolved (${message}).`, code === "EAI_AGAIN");
  if (code && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ECONNABORTED|EHOSTUNREACH|ENETUNREACH|UND_ERR_|ERR_STREAM_PREMATURE_CLOSE)/.test(code))
    return new ImportFailure("network", `The connection was lost (${code}).`, true);
  if (message === "aborted") return new ImportFailure("network", "The server closed the connection before the end of the file.", true);
  return new ImportFailure("network", message, false);
}
