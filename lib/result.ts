/** Domain functions return their failures as values; routes map them to HTTP statuses and messages. */
export type DomainErrorCode =
  "unauthenticated" | "forbidden" | "not_found" | "invalid" | "conflict" | "too_large" | "quota_exceeded" | "insufficient_storage" | "unavailable" | "gone";

export interface DomainError {
  code: DomainErrorCode;
  message: string;
  /** Per-field messages for forms, keyed by field name. */
  fields?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: DomainErrorCode, message: string, fields?: Record<string, string>): { ok: false; error: DomainError } => ({
  ok: false,
  error: fields ? { code, message, fields } : { code, message },
});

/** The HTTP status each domain error maps to, in one place for every route. */
export function httpStatus(code: HttpErrorCode): number {
  switch (code) {
    case "unauthenticated":
      return 401;
    case "forbidden":
      return 403;
    case "not_found":
      return 404;
    case "invalid":
      return 400;
    case "conflict":
      return 409;
    case "too_large":
      return 413;
    case "quota_exceeded":
      return 413;
    case "insufficient_storage":
      return 507;
    case "unavailable":
      return 503;
    case "gone":
      return 410;
    case "method_not_allowed":
      return 405;
    case "timeout":
      return 408;
    case "internal":
      return 500;
  }
}

/** What an HTTP error answer can say went wrong: a domain error, or one only HTTP has (a client too slow to send its request: timeout). */
export type HttpErrorCode = DomainErrorCode | "method_not_allowed" | "timeout" | "internal";

/** The one error body of every answer under /api/v1, the tus endpoint's included: `{ "error": { "code", "message", "fields"? } }`. */
export function errorBody(code: HttpErrorCode, message: string, fields?: Record<string, string>) {
  return { error: fields ? { code, message, fields } : { code, message } };
}
