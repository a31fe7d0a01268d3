import { listImagesOperation } from "@/lib/api/operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { toApiImagePage } from "@/lib/api/schemas";
import { listImages } from "@/lib/catalog/queries";
import { catalogDeps } from "@/lib/catalog/runtime";
import { ok } from "@/lib/result";

export const GET = apiRoute(listImagesOperation, async ({ actor, query }) => {
  const page = await listImages(catalogDeps(), actor, query.scope, query, query.project ?? null);
  return page.ok ? ok(toApiImagePage(page.value)) : page;
});
// Uploads go through the tus endpoint, not a POST here.
export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
