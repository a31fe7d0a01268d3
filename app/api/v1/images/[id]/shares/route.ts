import { listImageSharesOperation, shareImageOperation } from "@/lib/api/project-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { catalogDeps } from "@/lib/catalog/runtime";
import { listImageShares, shareImage } from "@/lib/projects/shares";

export const GET = apiRoute(listImageSharesOperation, ({ actor, params }) => listImageShares(catalogDeps(), actor, params.id));
export const POST = apiRoute(shareImageOperation, ({ actor, params, body }) => shareImage(catalogDeps(), actor, params.id, body));
export const PUT = methodNotAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
