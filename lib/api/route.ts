import type { z } from "zod";
import type { Actor } from "../auth/actor";
import { authenticateRequest, type RequestAuthentication } from "../auth/request";
import { fieldErrors } from "../field-errors";
import { engineOutage } from "../http/engine-outage";
import { fail, ok, type Result } from "../result";
import { malformedTextPath, notTextMessage } from "../text/well-formed";
import type { Operation } from "./operation";
import { apiError, domainErrorResponse, jsonResponse, noContent } from "./respond";

/** JSON bodies are small (a name and some properties); anything larger is refused before it is read. */
export const MAX_JSON_BODY = 1 << 20;

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type SuccessValue<O extends Operation> = O["success"] extends { schema: infer S extends z.ZodType } ? z.input<S> : null;

export interface ApiContext<O extends Operation> {
  request: Request;
  auth: O["auth"] extends true ? RequestAuthentication : null;
  actor: O["auth"] extends true ? Actor : null;
  params: Parsed<O["params"]>;
  query: Parsed<O["query"]>;
  body: Parsed<O["body"]>;
}

type NextContext = { params: Promise<Record<string, string | string[] | undefined>> };

function invalid(error: z.ZodError, where: string) {
  const fields = fieldErrors(error);
  const detail = Object.entries(fields)
    .map(([field, message]) => `${field}: ${message}`)
    .join("; ");
  return fail("invalid", `The ${where} is not valid (${detail}). Nothing was changed.`, fields);
}

async function readJsonBody(request: Request): Promise<Result<unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) return fail("invalid", "Send the body as JSON, with Content-Type: application/json.");
  const tooLarge = fail("too_large", `The request body is larger than ${MAX_JSON_BODY / 1024} KiB.`);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_JSON_BODY) return tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Read with a cap: a chunked body has no Content-Length to check up front.
  const reader = request.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
    size += read.value.byteLength;
    if (size > MAX_JSON_BODY) {
      await reader?.cancel();
      return tooLarge;
    }
    chunks.push(read.value);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return fail("invalid", "The body is not valid JSON.");
  }
  // JSON can spell "\ud800", which no database stores: refused here for every field of every operation.
  const malformed = malformedTextPath(value);
  if (malformed !== null) return fail("invalid", notTextMessage(malformed), { [malformed.split(".")[0] || "form"]: notTextMessage(malformed) });
  return ok(value);
}

function parseWith<S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): Result<Parsed<S>> {
  if (!schema) return ok(undefined as Parsed<S>);
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data as Parsed<S>) : invalid(parsed.error, where);
}

/**
 * A Next route handler for one operation: authenticates (bearer token or
 * session), parses path, query and body with the operation's schemas, runs
 * the handler and answers JSON in the API's shapes. Routes stay one call to
 * the domain; the domain decides who may do what.
 */
export function apiRoute<O extends Operation>(operation: O, handler: (context: ApiContext<O>) => Promise<Result<SuccessValue<O>> | Response>) {
  return async (request: Request, next: NextContext): Promise<Response> => {
    try {
      let auth: RequestAuthentication | null = null;
      if (operation.auth) {
        const authenticated = await authenticateRequest(request);
        if (!authenticated.ok) return domainErrorResponse(authenticated.error);
        auth = authenticated.value;
      }
      const params = parseWith(operation.params, await next.params, "path");
      if (!params.ok) return domainErrorResponse(params.error);
      const query = parseWith(operation.query, Object.fromEntries(new URL(request.url).searchParams), "query");
      if (!query.ok) return domainErrorResponse(query.error);
      let body = undefined as Parsed<O["body"]>;
      if (operation.body) {
        const raw = await readJsonBody(request);
        if (!raw.ok) return domainErrorResponse(raw.error);
        const parsed = parseWith(operation.body, raw.value, "body");
        if (!parsed.ok) return domainErrorResponse(parsed.error);
        body = parsed.value as Parsed<O["body"]>;
      }
      const result = await handler({
        request,
        auth: auth as ApiContext<O>["auth"],
        actor: (auth?.actor ?? null) as ApiContext<O>["actor"],
        params: params.value as Parsed<O["params"]>,
        query: query.value as Parsed<O["query"]>,
        body,
      });
      if (result instanceof Response) return result;
      if (!result.ok) return domainErrorResponse(result.error);
      if (operation.success.status === 204) return noContent();
      return jsonResponse(result.value, operation.success.status);
    } catch (error) {
      const outage = engineOutage(error);
      if (outage) {
        console.error(`${operation.operationId}: the ${outage.engine} is away`, error);
        return apiError("unavailable", outage.message, outage.status, undefined, outage.headers);
      }
      console.error(`${operation.operationId} failed`, error);
      return apiError("internal", "Something went wrong on the server. It has been logged; try again, or tell your administrator.", 500);
    }
  };
}
