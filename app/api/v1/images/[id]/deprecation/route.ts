import { setImageDeprecationOperation } from "@/lib/api/operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { toApiImage } from "@/lib/api/schemas";
import { setDeprecation } from "@/lib/catalog/deprecation";
import { catalogDeps } from "@/lib/catalog/runtime";
import { ok } from "@/lib/result";

export const PUT = apiRoute(setImageDeprecationOperation, async ({ actor, params, body }) => {
  const image = await setDeprecation(catalogDeps(), actor, params.id, body);
  return image.ok ? ok(toApiImage(image.value)) : image;
});

export const GET = methodNotAllowed(["PUT"]);
export const POST = GET;
export const PATCH = GET;
export const DELETE = GET;
