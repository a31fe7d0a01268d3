import { z } from "zod";
import type { Actor } from "../auth/actor";
import { loadFor } from "../catalog/access";
import { nameKey } from "../catalog/image-name";
import { judge, judgeProject } from "../catalog/policy";
import { parseInput } from "../parse";
import { answerShare, createShare, type ShareRecipientRef, unshareImage } from "../projects/shares";
import { INITIAL_SHARE_STATUS, parseShareStatus, SHARE_STATUSES } from "../projects/share-status";
import { fail, ok, type Result } from "../result";
import type { GlanceDeps } from "./deps";

// Glance's image members on Hangar's shares (docs/decisions.md, "Glance members"). A member is a Hangar project,
// named by its id (what Glance's documents show) or its name; a personal project stands for its user, so that a
// member there is Hangar's share with that person. The policy decides each request, as for the portal's sharing.

export type GlanceMember = Record<string, string>;

/** A share row as a member document needs it: its recipient as a project, its state and when it was made. */
const memberSelect = {
  id: true,
  imageId: true,
  status: true,
  createdAt: true,
  project: { select: { id: true, kind: true } },
  user: { select: { personalProject: { select: { id: true, kind: true } } } },
} as const;

interface MemberRow {
  id: string;
  imageId: string;
  status: string;
  createdAt: Date;
  project: { id: string; kind: string } | null;
  user: { personalProject: { id: string; kind: string } | null } | null;
}

/** The project a share's recipient is: the team project, or the personal project of the user it is shared with. */
const recipientOf = (row: MemberRow) => row.project ?? row.user?.personalProject ?? null;

const glanceTime = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/** Glance's member document. Hangar keeps no time of a status change: updated_at is when the share was made. */
function memberDocument(row: MemberRow): GlanceMember {
  return {
    member_id: recipientOf(row)?.id ?? "",
    image_id: row.imageId,
    status: parseShareStatus(row.status),
    created_at: glanceTime(row.createdAt),
    updated_at: glanceTime(row.createdAt),
    schema: "/v2/schemas/member",
  };
}

/** The project a member id names (its id or its name), as a share's recipient. */
async function memberProject(deps: GlanceDeps, ref: string): Promise<Result<{ id: string; to: ShareRecipientRef }>> {
  const select = { id: true, personalUserId: true } as const;
  // The id first: a team may be named like another project's id.
  const project =
    ref.length > 0 && ref.length <= 255
      ? ((await deps.db.project.findUnique({ where: { id: ref }, select })) ?? (await deps.db.project.findUnique({ where: { nameKey: nameKey(ref) }, select })))
      : null;
  if (!project) return fail("not_found", `No project is named "${ref}": a member is a Hangar project, by its id or its name.`);
  return ok({ id: project.id, to: project.personalUserId ? { userId: project.personalUserId } : { projectId: project.id } });
}

const rowsOf = (deps: GlanceDeps, imageId: string, to?: ShareRecipientRef) =>
  deps.db.imageShare.findMany({ where: { imageId, ...to }, select: memberSelect, orderBy: { createdAt: "asc" } });

/**
 * The members of an image the actor sees: all of them for those who see its sharing (its project's members,
 * administrators), else only the memberships of projects the actor is in (a member project sees its own), as Glance.
 */
async function visibleMembers(deps: GlanceDeps, actor: Actor | null, imageId: string, to?: ShareRecipientRef): Promise<Result<MemberRow[]>> {
  const loaded = await loadFor(deps, actor, "view", imageId);
  if (!loaded.ok) return loaded;
  const { subject, viewer } = loaded.value;
  if (subject.visibility === "platform") return fail("forbidden", "Public (platform) images have no members: everyone sees them.");
  const rows = await rowsOf(deps, loaded.value.id, to);
  if (judge(viewer.actor, "view_shares", subject).decision === "allow") return ok(rows);
  return ok(
    rows.filter((row) => {
      const project = recipientOf(row);
      if (!project) return false;
      const role = viewer.memberships.get(project.id) ?? null;
      return judgeProject(viewer.actor, "view", { id: project.id, kind: project.kind === "personal" ? "personal" : "team", role }).decision === "allow";
    }),
  );
}

export async function listGlanceMembers(deps: GlanceDeps, actor: Actor | null, imageId: string): Promise<Result<Record<string, unknown>>> {
  const rows = await visibleMembers(deps, actor, imageId);
  return rows.ok ? ok({ members: rows.value.map(memberDocument), schema: "/v2/schemas/members" }) : rows;
}

export async function showGlanceMember(deps: GlanceDeps, actor: Actor | null, imageId: string, memberId: string): Promise<Result<GlanceMember>> {
  const project = await memberProject(deps, memberId);
  if (!project.ok) return project;
  const rows = await visibleMembers(deps, actor, imageId, project.value.to);
  if (!rows.ok) return rows;
  const row = rows.value.at(0);
  return row ? ok(memberDocument(row)) : fail("not_found", `The image is not shared with project ${memberId}.`);
}

const createSchema = z.object({ member: z.string({ error: 'Name the member project: {"member": "<project id>"}.' }).min(1).max(255) });
const updateSchema = z.object({ status: z.enum(SHARE_STATUSES, { error: "A member's status is accepted, pending or rejected." }) });

/** One share's member document, read again after a change. */
async function memberOf(deps: GlanceDeps, imageId: string, to: ShareRecipientRef): Promise<GlanceMember> {
  return memberDocument(await deps.db.imageShare.findFirstOrThrow({ where: { imageId, ...to }, select: memberSelect }));
}

/** Glance's member-create: a share the image's owners make, pending until the member project accepts it; Glance's 409 when it is a member already. */
export async function createGlanceMember(deps: GlanceDeps, actor: Actor | null, imageId: string, body: unknown): Promise<Result<GlanceMember>> {
  const loaded = await loadFor(deps, actor, "share", imageId);
  if (!loaded.ok) return loaded;
  const input = parseInput(createSchema, body);
  if (!input.ok) return input;
  const project = await memberProject(deps, input.value.member);
  if (!project.ok) return project;
  const image = loaded.value;
  if (project.value.id === image.projectId) return fail("invalid", "The image belongs to that project already: its members see it.");
  const made = await createShare(deps, actor as Actor, image, project.value.to, INITIAL_SHARE_STATUS.glance);
  if (!made.created) return fail("conflict", `Project ${project.value.id} is a member of this image already.`);
  return ok(await memberOf(deps, image.id, project.value.to));
}

/** Glance's member-update: the member project's answer (accepted, pending, rejected). */
export async function updateGlanceMember(
  deps: GlanceDeps,
  actor: Actor | null,
  imageId: string,
  memberId: string,
  body: unknown,
): Promise<Result<GlanceMember>> {
  const input = parseInput(updateSchema, body);
  if (!input.ok) return input;
  const project = await memberProject(deps, memberId);
  if (!project.ok) return project;
  const answered = await answerShare(deps, actor, imageId, project.value.id, input.value.status);
  return answered.ok ? ok(await memberOf(deps, answered.value.image.id, project.value.to)) : answered;
}

/** Glance's member-delete: the image's owners revoke the share. */
export async function deleteGlanceMember(deps: GlanceDeps, actor: Actor | null, imageId: string, memberId: string): Promise<Result<null>> {
  const loaded = await loadFor(deps, actor, "unshare", imageId);
  if (!loaded.ok) return loaded;
  const project = await memberProject(deps, memberId);
  if (!project.ok) return project;
  const row = (await rowsOf(deps, loaded.value.id, project.value.to)).at(0);
  if (!row) return fail("not_found", `The image is not shared with project ${memberId}.`);
  const revoked = await unshareImage(deps, actor, loaded.value.id, row.id);
  return revoked.ok ? ok(null) : revoked;
}
