import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import { fail, ok } from "../result";
import type { CatalogDeps } from "./deps";
import { parseFamilyRef, resolveFamilyRef } from "./families";
import { type ImageStatus, imageInclude } from "./image";
import { decide, type ImageAction } from "./policy";
import { imageIdSchema } from "./schemas";

const notFound = () => fail("not_found", "No such image, or it is not yours to see.");

const MANAGED = "Platform images are managed by administrators.";

/** What a refusal says, by action: who may do it (forbidden), or which images it applies to (not applicable). */
const REFUSALS: Record<ImageAction, { forbidden: string; notApplicable?: string; notYet?: string }> = {
  view: { forbidden: MANAGED },
  download: { forbidden: MANAGED },
  rename: { forbidden: MANAGED },
  edit: { forbidden: MANAGED },
  delete: { forbidden: MANAGED },
  publish: {
    forbidden: "Only administrators can publish an image to the platform catalog.",
    notApplicable: "This image is already in the platform catalog; only private images can be published.",
  },
  deprecate: { forbidden: MANAGED, notYet: "Only ready images can be deprecated." },
};

/**
 * The one resolver of what a client names an image by, for every route, page and command: an image id, or a
 * family reference (`FAMILY@latest`, `FAMILY@VERSION`, lib/catalog/families.ts) resolved for this actor.
 * Null when it names nothing: anything that is neither names no image.
 */
export async function resolveImageId(db: Db, actor: Actor, raw: unknown): Promise<string | null> {
  const ref = typeof raw === "string" ? parseFamilyRef(raw) : null;
  if (ref) return resolveFamilyRef(db, actor, ref);
  const parsedId = imageIdSchema.safeParse(raw);
  return parsedId.success ? parsedId.data : null;
}

/** What refusing an obsolete or deleted image for new use says: what happened, and what to use instead. */
function goneMessage(row: { name: string; status: string; replacement: string | null }) {
  const what = row.status === "deleted" ? `"${row.name}" was deleted.` : `"${row.name}" is obsolete and no longer offered for new use.`;
  return row.replacement ? `${what} Use ${row.replacement} instead.` : `${what} Its owner named no replacement.`;
}

/**
 * Loads the image row an action is about, after asking the policy whether the actor may act on it.
 * The id may come from any client: anything that is not an id or a family reference names no image.
 */
export async function loadFor(deps: CatalogDeps, actor: Actor | null, action: ImageAction, rawId: unknown) {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const id = await resolveImageId(deps.db, actor, rawId);
  if (id === null) return notFound();
  const row = await deps.db.image.findUnique({ where: { id }, include: imageInclude });
  if (!row) return notFound();
  const decision = decide(actor, action, { visibility: row.visibility as "platform" | "private", ownerId: row.ownerId, status: row.status as ImageStatus });
  if (decision === "hidden") return notFound();
  if (decision === "gone") return fail("gone", goneMessage(row));
  // Refusals that depend on the image (its state, its kind) rather than on who asks.
  if (decision === "not_yet") return fail("conflict", REFUSALS[action].notYet ?? "This image is still uploading.");
  if (decision === "not_applicable") return fail("conflict", REFUSALS[action].notApplicable ?? "This does not apply to this image.");
  if (decision === "forbidden") return fail("forbidden", REFUSALS[action].forbidden);
  return ok<typeof row>(row);
}
