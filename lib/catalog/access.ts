import type { Actor, TokenScope } from "../auth/actor";
import type { Db } from "../db/client";
import { fail, ok, type Result } from "../result";
import type { ImageAction } from "./actions";
import type { CatalogDeps } from "./deps";
import { parseFamilyRef, resolveFamilyRef } from "./families";
import { imageInclude, type ImageRowFor, type Viewer, viewerOf } from "./image-view";
import { type ImageSubject, type Judgement, judge, type Refusal } from "./policy";
import { imageIdSchema } from "./schemas";
import { imageSubject } from "./standing";

const notFound = () => fail("not_found", "No such image, or it is not yours to see.");

const MANAGED = "Platform images are managed by administrators.";
const SHARED = "This image is shared with you to see and download; only members of its project can change it.";
const VIEWERS = "Viewers of a project can see and download its images; ask an owner of the project to make you a member.";
const OWNERS = "Only owners of the image's project can share it and see or change who it is shared with.";
const PLATFORM_SHARE = "Platform images are visible to everyone; only private images are shared.";

type Words = { forbidden: Partial<Record<Refusal, string>>; notApplicable?: string; notYet?: string };

/** What a refusal says, by action: who may do it (forbidden, by reason), or which images it applies to (not applicable). */
const REFUSALS: Record<ImageAction, Words> = {
  view: { forbidden: { managed: MANAGED } },
  download: { forbidden: { managed: MANAGED } },
  rename: { forbidden: { managed: MANAGED, shared: SHARED, role: VIEWERS } },
  edit: { forbidden: { managed: MANAGED, shared: SHARED, role: VIEWERS } },
  delete: { forbidden: { managed: MANAGED, shared: SHARED, role: VIEWERS } },
  share: { forbidden: { shared: SHARED, role: OWNERS }, notApplicable: PLATFORM_SHARE },
  unshare: { forbidden: { shared: SHARED, role: OWNERS }, notApplicable: PLATFORM_SHARE },
  view_shares: { forbidden: { shared: SHARED, role: OWNERS }, notApplicable: PLATFORM_SHARE },
  publish: {
    forbidden: { admins: "Only administrators can publish an image to the platform catalog." },
    notApplicable: "This image is already in the platform catalog; only private images can be published.",
  },
  deprecate: { forbidden: { managed: MANAGED, shared: SHARED, role: VIEWERS }, notYet: "Only ready images can be deprecated." },
};

const SCOPE_NAMES: Record<TokenScope, string> = { read: "read-only", upload: "upload-only", full: "unlimited" };

/** A token's refusal, the same for every action: what the token is, and what to do. */
export function scopeRefusal(actor: Actor): string {
  const limits = actor.limits;
  if (!limits) return "Your session does not allow this.";
  const what = limits.projectId && limits.scope === "full" ? "limited to one project" : SCOPE_NAMES[limits.scope];
  return `This API token is ${what}, so it cannot do this. Create a token with the scope you need on the Settings page.`;
}

/** The failure for a judgement that is not "allow", worded by the caller's table. */
export function refusalFor(
  actor: Actor,
  judgement: Judgement,
  words: Words & { notFound: () => ReturnType<typeof fail>; gone?: () => ReturnType<typeof fail> },
) {
  switch (judgement.decision) {
    case "hidden":
      return words.notFound();
    case "gone":
      return words.gone ? words.gone() : fail("gone", "This is no longer offered.");
    // Refusals that depend on the subject (its state, its kind) rather than on who asks.
    case "not_yet":
      return fail("conflict", words.notYet ?? "This image is still uploading.");
    case "not_applicable":
      return fail("conflict", words.notApplicable ?? "This does not apply here.");
    default: {
      const refusal = judgement.refusal ?? "admins";
      return fail("forbidden", refusal === "scope" ? scopeRefusal(actor) : (words.forbidden[refusal] ?? "Only administrators can do that."));
    }
  }
}

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

/** An image row loaded for an action, with who asked and how they stand toward it. */
export type LoadedImage = ImageRowFor & { viewer: Viewer; subject: ImageSubject };

/** The failure for an action on a loaded image the policy does not allow, or null when it does. */
export function refuseUnless(actor: Actor, action: ImageAction, row: ImageRowFor, subject: ImageSubject) {
  const judgement = judge(actor, action, subject);
  return judgement.decision === "allow" ? null : refusalFor(actor, judgement, { notFound, gone: () => fail("gone", goneMessage(row)), ...REFUSALS[action] });
}

/**
 * Loads the image row an action is about, after asking the policy whether the actor may act on it.
 * The id may come from any client: anything that is not an id or a family reference names no image.
 */
export async function loadFor(deps: CatalogDeps, actor: Actor | null, action: ImageAction, rawId: unknown): Promise<Result<LoadedImage>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const id = await resolveImageId(deps.db, actor, rawId);
  if (id === null) return notFound();
  const viewer = await viewerOf(deps.db, actor);
  const row = await deps.db.image.findUnique({ where: { id }, include: imageInclude(viewer) });
  if (!row) return notFound();
  const subject = imageSubject(actor, viewer.memberships, row);
  return refuseUnless(actor, action, row, subject) ?? ok({ ...row, viewer, subject });
}
