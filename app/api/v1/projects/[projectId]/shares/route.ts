import { listProjectSharesOperation } from "@/lib/api/project-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { catalogDeps } from "@/lib/catalog/runtime";
import { listProjectShares } from "@/lib/projects/shares";

export const GET = apiRoute(listProjectSharesOperation, ({ actor, params }) => listProjectShares(catalogDeps(), actor, params.projectId));
export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
