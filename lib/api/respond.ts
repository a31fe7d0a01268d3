import { type DomainError, errorBody, httpStatus } from "../result";
import type { ApiErrorCode } from "./schemas";

const NO_STORE = { "cache-control": "no-store" };

export function jsonResponse(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(value, { status, headers: { ...NO_STORE, ...headers } });
}

/** The API's one error shape: `{ "error": { "code", "message", "fields"? } }`. */
export function apiError(code: ApiErrorCode, message: string, status: number, fields?: Record<string, string>, headers: Record<string, string> = {}): Response {
  const authenticate: Record<string, string> = status === 401 ? { "www-authenticate": 'Bearer realm="hangar"' } : {};
  return jsonResponse(errorBody(code, message, fields), status, { ...authenticate, ...headers });
}

export function domainErrorResponse(error: DomainError): Response {
  return apiError(error.code, error.message, httpStatus(error.code), error.fields);
}

/** For methods a path does not have, in the same error shape (Next's own 405 has no body). */
export function methodNotAllowed(allowed: string[]) {
  return () => apiError("method_not_allowed", `This path answers ${allowed.join(", ")}.`, 405, undefined, { allow: allowed.join(", ") });
}
