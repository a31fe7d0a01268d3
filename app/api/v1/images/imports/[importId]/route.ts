import { cancelImportOperation, getImportOperation } from "@/lib/api/import-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { cancelImport, getImport } from "@/lib/imports/manage";
import { importDeps } from "@/lib/imports/runtime";

export const GET = apiRoute(getImportOperation, async ({ actor, params }) => getImport(importDeps(), actor, params.importId));
export const DELETE = apiRoute(cancelImportOperation, async ({ actor, params }) => cancelImport(importDeps(), actor, params.importId));
export const POST = methodNotAllowed(["GET", "DELETE"]);
export const PUT = POST;
export const PATCH = POST;
