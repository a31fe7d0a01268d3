import { openApiDocument } from "@/lib/api/openapi";
import { openApiOperation } from "@/lib/api/operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { ok } from "@/lib/result";

// Generated once per process from the operations the routes serve.
let document: ReturnType<typeof openApiDocument> | undefined;

export const GET = apiRoute(openApiOperation, () => {
  document ??= openApiDocument();
  return Promise.resolve(ok(document));
});

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
