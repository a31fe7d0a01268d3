import type { z } from "zod";
import type { DomainErrorCode } from "../result";

export type HttpMethod = "get" | "head" | "options" | "post" | "put" | "patch" | "delete";

export interface HeaderDoc {
  description: string;
  schema?: { type: "string" | "integer"; pattern?: string };
  /** For request headers: whether a request must send it. For response headers, false: sent only when known (the others always are). */
  required?: boolean;
  /** For request headers: a value the document shows (and the tests send). */
  example?: string;
}

/** A response that is not JSON: a file. */
export interface BinaryResponse {
  description: string;
  binary: true;
  headers?: Record<string, HeaderDoc>;
}

export interface JsonResponse {
  description: string;
  schema: z.ZodType;
  headers?: Record<string, HeaderDoc>;
}

export interface EmptyResponse {
  description: string;
  headers?: Record<string, HeaderDoc>;
}

/** An answer with the API's error body, for statuses that are not domain errors (the tus protocol's own 409, 415). */
export interface ErrorResponse {
  description: string;
  error: true;
  headers?: Record<string, HeaderDoc>;
}

type AnyResponse = JsonResponse | BinaryResponse | EmptyResponse | ErrorResponse;

/**
 * One API operation, declared once: the route parses its request with these
 * schemas and the OpenAPI document is generated from the same declaration.
 */
export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** Below /api/v1, with OpenAPI {placeholders}. */
  path: string;
  summary: string;
  description?: string;
  tag: "Account" | "Audit" | "Images" | "Projects" | "Uploads" | "Users" | "Documentation";
  /** False only for the OpenAPI document itself. */
  auth: boolean;
  /** Administrators only: documented as `x-hangar-admin`. */
  admin?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the operation reads, documented as header parameters. */
  headers?: Record<string, HeaderDoc>;
  body?: z.ZodType;
  /** A request body the document shows, and the tests send. */
  bodyExample?: unknown;
  /** A request body of bytes (a tus PATCH), by media type. */
  rawBody?: { mediaType: string; description: string };
  /** The success response; its status is the one the route answers with. */
  success: { status: 200 | 201 | 204 } & AnyResponse;
  /** Other answers (206 and 416 for a download, the tus protocol's own 409, 412, 415, 460). */
  otherResponses?: Record<number, AnyResponse>;
  /** The domain errors it can answer with; each becomes a documented response with the error body. */
  errors: DomainErrorCode[];
}

export function defineOperation<const O extends Operation>(operation: O): O {
  return operation;
}
