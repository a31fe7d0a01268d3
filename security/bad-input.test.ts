import { afterAll, beforeAll, expect, it } from "vitest";
import { type HangarServer, startHangarServer } from "../lib/testing/hangar-server";

// The bad-input corpus for every /api/v1 operation, generated from the OpenAPI document the server serves: an
// operation added to lib/api/operations.ts (or upload-operations.ts) is attacked here without a line changed.
// Each bad value goes into one place at a time (a path parameter, a query parameter, a header, the body or one
// field of it) of an otherwise well-formed request by a signed-in owner, so that the bad value is what the server
// must refuse. Required: never a 5xx, never a stack trace, an error with a message a person can read, and nothing
// written (the catalog's rows are the same after a refusal).

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: { type?: string };
}
interface OperationObject {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: { $ref?: string; properties?: Record<string, unknown> } }> };
}
interface Document {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

interface Attempt {
  operation: string;
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// Percent-encoded so that they reach the server as bytes: a lone surrogate (UTF-8 of U+D800), a byte that is not
// UTF-8, NUL, and a traversal; then text no field takes.
const BAD_PATH_VALUES = ["%ED%A0%80", "%FF", "%00", "..%2F..%2Fetc%2Fpasswd", "x".repeat(4096), "%20"];
const BAD_QUERY_VALUES = ["%ED%A0%80", "%FF", "%00", "-1", "1e309", "0x10", "[]", "x".repeat(10_000)];
const BAD_HEADER_VALUES = ["-1", "abc", "1e3", "99999999999999999999999", " ", "0x10"];
// As JSON text: a lone surrogate escaped, wrong types, a huge string.
const BAD_FIELD_VALUES = ['"\\ud800"', '"a\\udc00b"', "{}", "[]", "-1", "1e309", "null", "true", JSON.stringify("x".repeat(100_000))];
const BAD_BODIES = ["{", "[]", '"text"', "null", "\u0000", "{}".repeat(1), `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`, "x".repeat(1 << 20)];

let server: HangarServer;
let document: Document;
let auth: Record<string, string>;
let imageId: string;

beforeAll(async () => {
  server = await startHangarServer();
  const { secret } = await server.token(server.demo);
  auth = { authorization: `Bearer ${secret}` };
  imageId = await server.addImage({ owner: server.demo, name: "target", visibility: "private" });
  document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Document;
});
afterAll(async () => {
  await server.close();
});

/** A well-formed value for a parameter, so that only the one bad value is wrong. */
function goodValue(parameter: Parameter): string {
  if (parameter.in === "path") return parameter.name === "id" ? imageId : "0000000000000000000000000";
  if (parameter.name.toLowerCase() === "tus-resumable") return "1.0.0";
  if (parameter.schema?.type === "integer" || parameter.schema?.type === "number") return "1";
  return "x";
}

function bodyFields(operation: OperationObject): string[] {
  const content = operation.requestBody?.content ?? {};
  if (!("application/json" in content)) return [];
  const { schema } = content["application/json"];
  const name = schema.$ref?.split("/").pop();
  const resolved = name && name in document.components.schemas ? document.components.schemas[name] : schema;
  return Object.keys(resolved.properties ?? {});
}

function corpus(): Attempt[] {
  const attempts: Attempt[] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const build = (
        override: { path?: [string, string]; query?: [string, string]; header?: [string, string]; body?: string; extra?: string },
        what: string,
      ) => {
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
          override.path?.[0] === name ? override.path[1] : goodValue(parameters.find((p) => p.name === name) ?? { name, in: "path" }),
        );
        const query = parameters
          .filter((p) => p.in === "query" && (p.required || override.query?.[0] === p.name))
          .map((p) => `${p.name}=${override.query?.[0] === p.name ? override.query[1] : goodValue(p)}`)
          .concat(override.extra ? [override.extra] : []);
        const headers: Record<string, string> = { ...auth };
        for (const p of parameters.filter((p) => p.in === "header" && (p.required || override.header?.[0] === p.name))) {
          headers[p.name] = override.header?.[0] === p.name ? override.header[1] : goodValue(p);
        }
        if (override.body !== undefined) headers["content-type"] = "application/json";
        attempts.push({
          operation: operation.operationId,
          what,
          method: method.toUpperCase(),
          path: `/api/v1${path}${query.length ? `?${query.join("&")}` : ""}`,
          headers,
          body: override.body,
        });
      };
      // Every operation, parameters or not: query parameters it does not know, in bytes that are not UTF-8.
      build({ extra: "%FF%FE=%ED%A0%80&%00=1" }, "unknown query parameters");
      for (const p of parameters) {
        const values = p.in === "path" ? BAD_PATH_VALUES : p.in === "query" ? BAD_QUERY_VALUES : BAD_HEADER_VALUES;
        for (const value of values) build({ [p.in]: [p.name, value] }, `${p.in} ${p.name}=${value.slice(0, 24)}`);
      }
      if (operation.requestBody || ["post", "patch", "put"].includes(method)) {
        for (const body of BAD_BODIES) build({ body }, `body ${JSON.stringify(body.slice(0, 24))}`);
        for (const field of bodyFields(operation)) {
          for (const value of BAD_FIELD_VALUES) build({ body: `{${JSON.stringify(field)}:${value}}` }, `field ${field}=${value.slice(0, 24)}`);
        }
      }
    }
  }
  return attempts;
}

const snapshot = async () =>
  JSON.stringify(await server.db.image.findMany({ orderBy: { id: "asc" } }), (_, value: unknown) => (typeof value === "bigint" ? String(value) : value));

it("every /api/v1 operation refuses every bad input with a 4xx and a message, never a 5xx or a stack, and writes nothing", async () => {
  const attempts = corpus();
  const operations = new Set(attempts.map((attempt) => attempt.operation));
  // The document is what drives the corpus: every operation of the API is in it.
  expect(operations.size).toBe(Object.values(document.paths).flatMap((methods) => Object.keys(methods)).length);
  const before = await snapshot();
  const failures: string[] = [];
  for (const attempt of attempts) {
    const answer = await fetch(`${server.url}${attempt.path}`, { method: attempt.method, headers: attempt.headers, body: attempt.body, redirect: "manual" });
    const text = await answer.text();
    const where = `${attempt.operation} (${attempt.method} ${attempt.path.slice(0, 80)}) with ${attempt.what}: ${answer.status}`;
    if (answer.status >= 500) failures.push(`${where} ${text.slice(0, 200)}`);
    else if (/\n\s+at .+:\d+:\d+/.test(text)) failures.push(`${where}: a stack trace`);
    else if (answer.status >= 400 && attempt.method !== "HEAD" && text.trim() === "") failures.push(`${where}: no message`);
    else if (answer.status >= 400 && attempt.method !== "HEAD" && (answer.headers.get("content-type") ?? "").includes("json")) {
      let message: unknown;
      try {
        message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
      } catch {
        message = undefined;
      }
      if (typeof message !== "string" || message.length < 10) failures.push(`${where}: no readable message in ${text.slice(0, 120)}`);
    }
  }
  expect(failures).toEqual([]);
  // A refusal writes nothing; the attempts that were accepted (a DELETE of the target with a harmless bad header, say) are then checked by name.
  const after = await snapshot();
  if (after !== before) {
    const rows = JSON.parse(after) as { id: string; name: string }[];
    expect(rows.map((row) => row.name).filter((name) => /\ud800|\udc00|^x{100}/u.test(name))).toEqual([]);
  }
  console.log(`bad-input corpus: ${attempts.length} requests over ${operations.size} operations`);
}, 240_000);
