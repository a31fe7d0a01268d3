import { familyVersionsOperation } from "@/lib/api/operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { toApiImage } from "@/lib/api/schemas";
import { familyHistory } from "@/lib/catalog/families";
import { catalogDeps } from "@/lib/catalog/runtime";
import { ok } from "@/lib/result";

export const GET = apiRoute(familyVersionsOperation, async ({ actor, params, query }) => {
  const history = await familyHistory(catalogDeps(), actor, params.family, query.visibility);
  return history.ok ? ok({ ...history.value, versions: history.value.versions.map(toApiImage) }) : history;
});

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
