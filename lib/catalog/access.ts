import type { Actor } from "../auth/actor";
import { fail, ok, type Result } from "../result";
import type { CatalogDeps } from "./deps";
import { type ImageStatus, ownerSelect } from "./image";
import { decide, type ImageAction } from "./policy";
import { imageIdSchema } from "./schemas";

const notFound = () => fail("not_found", "No such image, or it is not yours to see.");

/**
 * Loads the image row an action is about, after asking the policy whether the actor may act on it.
 * The id may come from any client: anything that is not an id names no image.
 */
export async function loadFor(deps: CatalogDeps, actor: Actor | null, action: ImageAction, id: unknown) {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const parsedId = imageIdSchema.safeParse(id);
  if (!parsedId.success) return notFound();
  const row = await deps.db.image.findUnique({ where: { id: parsedId.data }, include: { owner: ownerSelect } });
  if (!row) return notFound();
  const decision = decide(actor, action, { visibility: row.visibility as "platform" | "private", ownerId: row.ownerId, status: row.status as ImageStatus });
  if (decision === "hidden") return notFound();
  // The only refusal that depends on the image's state rather than on who asks.
  if (decision === "not_yet") return fail("conflict", "This image is still uploading.");
  if (decision === "forbidden") {
    return fail("forbidden", row.visibility === "platform" ? "Platform images are managed by administrators." : "Only administrators can do that.");
  }
  return ok(row) as Result<typeof row>;
}
