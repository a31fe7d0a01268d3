import { imageProgressOperation } from "@/lib/api/operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { imageProgress } from "@/lib/catalog/progress";
import { catalogDeps } from "@/lib/catalog/runtime";

export const GET = apiRoute(imageProgressOperation, async ({ actor, query }) => imageProgress(catalogDeps(), actor, query.ids));
export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
