import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/actor";
import { loadFor } from "../catalog/access";
import type { CatalogDeps } from "../catalog/deps";
import type { Person } from "../catalog/image";
import { nameKey } from "../catalog/image-name";
import type { ProjectRole } from "../catalog/actions";
import type { LoadedImage } from "../catalog/access";
import { type ImageSubject, judge } from "../catalog/policy";
import { loadProjectFor } from "../catalog/project-access";
import { isUniqueViolation } from "../db/errors";
import type { Prisma } from "../db/generated/client";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { shareTargetSchema } from "./schemas";
import { INITIAL_SHARE_STATUS, parseShareStatus, type ShareStatus } from "./share-status";

/** Read access to one image for a team project or a user. */
export interface Share {
  id: string;
  image: { id: string; name: string };
  /** The recipient: a team project, or (exactly one of the two) a user. */
  project: { id: string; name: string } | null;
  user: Person | null;
  createdBy: Person | null;
  /** Whether the recipient accepted it (lib/projects/share-status.ts); Hangar's own shares start accepted. */
  status: ShareStatus;
  createdAt: string;
}

const person = { select: { id: true, name: true, email: true } } as const;
const shareInclude = {
  image: { select: { id: true, name: true } },
  project: { select: { id: true, name: true } },
  user: person,
  createdBy: person,
} satisfies Prisma.ImageShareInclude;

function toShare(row: Prisma.ImageShareGetPayload<{ include: typeof shareInclude }>): Share {
  return {
    id: row.id,
    image: row.image,
    project: row.project,
    user: row.user,
    createdBy: row.createdBy,
    status: parseShareStatus(row.status),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Who an image is shared with, for those who manage its sharing (the owners of its project, administrators) and its project's members. */
export async function listImageShares(deps: CatalogDeps, actor: Actor | null, imageId: unknown): Promise<Result<Share[]>> {
  const loaded = await loadFor(deps, actor, "view_shares", imageId);
  if (!loaded.ok) return loaded;
  const rows = await deps.db.imageShare.findMany({ where: { imageId: loaded.value.id }, include: shareInclude, orderBy: { createdAt: "asc" } });
  return ok(rows.map(toShare));
}

/** The recipient a share names: a team project by id or name, or an account by email. */
async function recipient(deps: CatalogDeps, target: { project?: string; user?: string }): Promise<Result<{ projectId: string } | { userId: string }>> {
  if (target.user !== undefined) {
    const user = await deps.db.user.findUnique({ where: { email: target.user }, select: { id: true } });
    return user ? ok({ userId: user.id }) : fail("not_found", `No account has the email ${target.user}.`, { user: "No account has this email." });
  }
  const ref = target.project ?? "";
  const project = await deps.db.project.findFirst({ where: { OR: [{ id: ref }, { nameKey: nameKey(ref) }] }, select: { id: true, kind: true } });
  if (!project) return fail("not_found", `No project is named "${ref}".`, { project: "No such project." });
  if (project.kind === "personal")
    return fail("invalid", "To share with one person, share with their email (user), not their personal project.", { project: "A personal project." });
  return ok({ projectId: project.id });
}

/**
 * Shares an image for reading (see, download, use as an instance source) with a team project or a
 * user (owners of the image's project, administrators). Sharing again with the same recipient
 * answers the existing share.
 */
export async function shareImage(deps: CatalogDeps, actor: Actor | null, imageId: unknown, input: unknown): Promise<Result<Share>> {
  const loaded = await loadFor(deps, actor, "share", imageId);
  if (!loaded.ok) return loaded;
  const parsed = parseInput(shareTargetSchema, input);
  if (!parsed.ok) return parsed;
  const image = loaded.value;
  const found = await recipient(deps, parsed.value);
  if (!found.ok) return found;
  const to = found.value;
  if ("projectId" in to && to.projectId === image.projectId)
    return fail("invalid", "This image belongs to that project already: its members see it.", { project: "The image's own project." });
  return ok((await createShare(deps, actor as Actor, image, to, INITIAL_SHARE_STATUS.hangar)).share);
}

/** A share's recipient: a project, or one user (a share to a person, not to their personal project). */
export type ShareRecipientRef = { projectId: string } | { userId: string };

/**
 * Makes a share of an image the policy let the actor share (`image`, from loadFor(..., "share", ...)), in `status`;
 * the existing share to that recipient when there is one (`created` false), whichever request made it.
 */
export async function createShare(
  deps: CatalogDeps,
  actor: Actor,
  image: Pick<LoadedImage, "id" | "name" | "projectId">,
  to: ShareRecipientRef,
  status: ShareStatus,
): Promise<{ share: Share; created: boolean }> {
  const where =
    "projectId" in to ? { imageId_projectId: { imageId: image.id, projectId: to.projectId } } : { imageId_userId: { imageId: image.id, userId: to.userId } };
  const existing = await deps.db.imageShare.findUnique({ where, include: shareInclude });
  if (existing) return { share: toShare(existing), created: false };
  try {
    const created = await deps.db.$transaction(async (tx) => {
      const row = await tx.imageShare.create({ data: { imageId: image.id, ...to, status, createdById: actor.id }, include: shareInclude });
      await recordAudit(tx, actor, {
        action: "share.create",
        objectId: row.id,
        projectId: image.projectId,
        after: { imageId: image.id, imageName: image.name, ...to, status },
      });
      return row;
    });
    return { share: toShare(created), created: true };
  } catch (error) {
    // The same share made by a concurrent request: that one is the answer.
    if (!isUniqueViolation(error)) throw error;
    return { share: toShare(await deps.db.imageShare.findUniqueOrThrow({ where, include: shareInclude })), created: false };
  }
}

/**
 * The recipient's answer to a share (Glance's member status): accepted puts the image in the recipient's lists,
 * pending and rejected take it out. Decided on the recipient project (its members and owners, "answer_shares"), a
 * personal project answering for its user's shares: the image's owners do not answer for the recipient.
 */
export async function answerShare(deps: CatalogDeps, actor: Actor | null, imageId: unknown, recipientId: unknown, status: ShareStatus): Promise<Result<Share>> {
  const image = await loadFor(deps, actor, "view", imageId);
  if (!image.ok) return image;
  const recipient = await loadProjectFor(deps, actor, "answer_shares", recipientId);
  if (!recipient.ok) return recipient;
  const to = recipient.value.personalUserId ? { userId: recipient.value.personalUserId } : { projectId: recipient.value.id };
  const row = await deps.db.imageShare.findFirst({ where: { imageId: image.value.id, ...to }, include: shareInclude });
  if (!row) return fail("not_found", "This image is not shared with that project.");
  if (row.status === status) return ok(toShare(row));
  const updated = await deps.db.$transaction(async (tx) => {
    const changed = await tx.imageShare.update({ where: { id: row.id }, data: { status }, include: shareInclude });
    await recordAudit(tx, actor as Actor, {
      action: "share.answer",
      objectId: row.id,
      projectId: recipient.value.id,
      before: { imageId: row.imageId, status: row.status },
      after: { imageId: row.imageId, status },
    });
    return changed;
  });
  return ok(toShare(updated));
}

/** Revokes a share: its recipients stop seeing the image at their next request. */
export async function unshareImage(deps: CatalogDeps, actor: Actor | null, imageId: unknown, shareId: unknown): Promise<Result<Share>> {
  const loaded = await loadFor(deps, actor, "unshare", imageId);
  if (!loaded.ok) return loaded;
  const row =
    typeof shareId === "string" && shareId.length <= 64
      ? await deps.db.imageShare.findFirst({ where: { id: shareId, imageId: loaded.value.id }, include: shareInclude })
      : null;
  if (!row) return fail("not_found", "This image has no such share.");
  await deps.db.$transaction(async (tx) => {
    await tx.imageShare.delete({ where: { id: row.id } });
    const to = row.projectId ? { projectId: row.projectId } : { userId: row.userId };
    await recordAudit(tx, actor as Actor, {
      action: "share.delete",
      objectId: row.id,
      projectId: loaded.value.projectId,
      before: { imageId: row.imageId, imageName: loaded.value.name, ...to },
    });
  });
  return ok(toShare(row));
}

/** The shares of a project's images, for its project page (every member sees who the project shares with). */
export async function listProjectShares(deps: CatalogDeps, actor: Actor | null, projectId: unknown): Promise<Result<Share[]>> {
  const loaded = await loadProjectFor(deps, actor, "view", projectId);
  if (!loaded.ok) return loaded;
  const rows = await deps.db.imageShare.findMany({
    where: { image: { projectId: loaded.value.id } },
    include: shareInclude,
    orderBy: [{ image: { nameKey: "asc" } }, { createdAt: "asc" }],
  });
  return ok(rows.map(toShare));
}

/** The team projects anyone signed in may share an image with (a team's name is no secret inside the organisation, its images are). */
export async function shareTargets(deps: Pick<CatalogDeps, "db">, actor: Actor | null): Promise<Result<{ id: string; name: string }[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  return ok(await deps.db.project.findMany({ where: { kind: "team" }, select: { id: true, name: true }, orderBy: { nameKey: "asc" } }));
}

/** Whether the actor may revoke the shares of a project's images (owners, administrators), for the project page. */
export function mayRevokeSharesOf(actor: Actor, project: { id: string; role: ProjectRole | null }): boolean {
  const image: ImageSubject = { visibility: "private", status: "ready", projectId: project.id, role: project.role, sharedWith: { user: false, projects: [] } };
  return judge(actor, "unshare", image).decision === "allow";
}
