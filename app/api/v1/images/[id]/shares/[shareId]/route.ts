import { unshareImageOperation } from "@/lib/api/project-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { catalogDeps } from "@/lib/catalog/runtime";
import { unshareImage } from "@/lib/projects/shares";
import { ok } from "@/lib/result";

export const DELETE = apiRoute(unshareImageOperation, async ({ actor, params }) => {
  const revoked = await unshareImage(catalogDeps(), actor, params.id, params.shareId);
  return revoked.ok ? ok(null) : revoked;
});
export const GET = methodNotAllowed(["DELETE"]);
export const POST = GET;
export const PUT = GET;
export const PATCH = GET;
