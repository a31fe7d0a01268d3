import type { Actor } from "../auth/actor";
import { fail, ok } from "../result";
import type { CatalogDeps } from "./deps";
import { type ImageStatus, imageInclude } from "./image";
import { decide, type ImageAction } from "./policy";
import { imageIdSchema } from "./schemas";

const notFound = () => fail("not_found", "No such image, or it is not yours to see.");

const MANAGED = "Platform images are managed by administrators.";

/** What a refusal says, by action: who may do it (forbidden), or which images it applies to (not applicable). */
const REFUSALS: Record<ImageAction, { forbidden: string; notApplicable?: string }> = {
  view: { forbidden: MANAGED },
  download: { forbidden: MANAGED },
  rename: { forbidden: MANAGED },
  edit: { forbidden: MANAGED },
  delete: { forbidden: MANAGED },
  publish: {
    forbidden: "Only administrators can publish an image to the platform catalog.",
    notApplicable: "This image is already in the platform catalog; only private images can be published.",
  },
  deprecate: {
    forbidden: MANAGED,
    notApplicable: "Only platform images can be deprecated. A private image can be renamed or deleted instead.",
  },
};

/**
 * Loads the image row an action is about, after asking the policy whether the actor may act on it.
 * The id may come from any client: anything that is not an id names no image.
 */
export async function loadFor(deps: CatalogDeps, actor: Actor | null, action: ImageAction, id: unknown) {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const parsedId = imageIdSchema.safeParse(id);
  if (!parsedId.success) return notFound();
  const row = await deps.db.image.findUnique({ where: { id: parsedId.data }, include: imageInclude });
  if (!row) return notFound();
  const decision = decide(actor, action, { visibility: row.visibility as "platform" | "private", ownerId: row.ownerId, status: row.status as ImageStatus });
  if (decision === "hidden") return notFound();
  // Refusals that depend on the image (its state, its kind) rather than on who asks.
  if (decision === "not_yet") return fail("conflict", "This image is still uploading.");
  if (decision === "not_applicable") return fail("conflict", REFUSALS[action].notApplicable ?? "This does not apply to this image.");
  if (decision === "forbidden") return fail("forbidden", REFUSALS[action].forbidden);
  return ok<typeof row>(row);
}
