import { createImportOperation } from "@/lib/api/import-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { startImport } from "@/lib/imports/create";
import { importDeps } from "@/lib/imports/runtime";

export const POST = apiRoute(createImportOperation, async ({ actor, body }) => startImport(importDeps(), actor, body));
export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
