import { deleteImageOperation, getImageOperation, updateImageOperation } from "@/lib/api/operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { toApiImage } from "@/lib/api/schemas";
import { deleteImage, updateImage } from "@/lib/catalog/mutations";
import { getImage } from "@/lib/catalog/queries";
import { catalogDeps } from "@/lib/catalog/runtime";
import { ok } from "@/lib/result";

export const GET = apiRoute(getImageOperation, async ({ actor, params }) => {
  const image = await getImage(catalogDeps(), actor, params.id);
  return image.ok ? ok(toApiImage(image.value)) : image;
});

export const PATCH = apiRoute(updateImageOperation, async ({ actor, params, body }) => {
  const image = await updateImage(catalogDeps(), actor, params.id, body);
  return image.ok ? ok(toApiImage(image.value)) : image;
});

export const DELETE = apiRoute(deleteImageOperation, async ({ actor, params }) => {
  const deleted = await deleteImage(catalogDeps(), actor, params.id);
  return deleted.ok ? ok(null) : deleted;
});

export const POST = methodNotAllowed(["GET", "PATCH", "DELETE"]);
export const PUT = POST;
