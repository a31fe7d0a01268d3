import { z } from "zod";
import { errorBody, type HttpErrorCode, httpStatus } from "../result";

const errorShape = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** What a status that @tus/server answers on its own means, in the API's error codes. */
function codeForStatus(status: number): HttpErrorCode {
  switch (status) {
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 410:
      return "gone";
    case 405:
      return "method_not_allowed";
    case 409:
    case 423:
      return "conflict";
    case 413:
      return "too_large";
    case 503:
      return "unavailable";
    case 507:
      return "insufficient_storage";
    default:
      return status >= 500 ? "internal" : "invalid";
  }
}

/**
 * An error answer of the tus endpoint in the API's JSON shape. Hangar's own
 * refusals are already in it; @tus/server's protocol errors ("Tus-Resumable
 * Required", a wrong Upload-Offset) come as text and are wrapped.
 */
export function tusErrorJson(status: number, body: string): string {
  try {
    if (errorShape.safeParse(JSON.parse(body)).success) return body;
  } catch {
    // text: wrapped below
  }
  return JSON.stringify(errorBody(codeForStatus(status), body.trim() || `The upload endpoint answered ${status}.`));
}

/**
 * A refusal in the shape @tus/server answers with (`status_code` and `body`), in the API's error body: thrown
 * from a hook or from the store, wherever tus catches it, it becomes that answer. An Error, so that it
 * carries a stack like any other throw.
 */
export class TusRefusal extends Error {
  readonly status_code: number;
  readonly body: string;

  constructor(code: HttpErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.status_code = httpStatus(code);
    this.body = JSON.stringify(errorBody(code, message, fields));
  }
}
