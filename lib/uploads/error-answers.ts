import { z } from "zod";
import { errorBody, type HttpErrorCode } from "../result";

const errorShape = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** What a status that @tus/server answers on its own means, in the API's error codes. */
function codeForStatus(status: number): HttpErrorCode {
  switch (status) {
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
    case 410:
      return "not_found";
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
