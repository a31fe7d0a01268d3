import { type DomainError, errorBody, httpStatus } from "../result";
import type { ApiErrorCode } from "./schemas";
import { API_VERSION, API_VERSION_HEADER } from "./version";

/** On every answer of the API's routes: never cached, and the API version for clients to compare with theirs. */
const API_HEADERS = { "cache-control": "no-store", [API_VERSION_HEADER]: API_VERSION };

export function jsonResponse(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(value, { status, headers: { ...API_HEADERS, ...headers } });
}

/** 204, for an operation that answers nothing (a deletion). */
export function noContent(): Response {
  return new Response(null, { status: 204, headers: API_HEADERS });
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
