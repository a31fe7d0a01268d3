import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { PROJECT_ROLES, type ProjectRole } from "./actions";
import type { ImageStatus, Visibility } from "./image";
import type { ImageSubject, ProjectSubject } from "./policy";

/** The projects the actor is a member of, with the role in each: what the policy weighs besides the actor. */
export type Memberships = ReadonlyMap<string, ProjectRole>;

export function parseProjectRole(value: string): ProjectRole {
  // A role this code does not know grants the least.
  return (PROJECT_ROLES as readonly string[]).includes(value) ? (value as ProjectRole) : "viewer";
}

export async function membershipsOf(db: Pick<Db, "projectMember">, actor: Actor): Promise<Memberships> {
  const rows = await db.projectMember.findMany({ where: { userId: actor.id }, select: { projectId: true, role: true } });
  return new Map(rows.map((row) => [row.projectId, parseProjectRole(row.role)]));
}

/** Shares whose recipient is the actor or one of the actor's projects: the ones that matter to what the actor may do. */
export function sharesToActor(actor: Actor, memberships: Memberships): Prisma.ImageShareWhereInput {
  return { OR: [{ userId: actor.id }, { projectId: { in: [...memberships.keys()] } }] };
}

/** The share rows an image subject is built from (those sharesToActor selected). */
export interface ShareRecipient {
  projectId: string | null;
  userId: string | null;
}

/** An image row as the policy weighs it for this actor. */
export function imageSubject(
  actor: Actor,
  memberships: Memberships,
  row: { visibility: string; status: string; projectId: string | null; shares?: ShareRecipient[] },
): ImageSubject {
  const shares = row.shares ?? [];
  return {
    visibility: row.visibility as Visibility,
    status: row.status as ImageStatus,
    projectId: row.projectId,
    role: row.projectId ? (memberships.get(row.projectId) ?? null) : null,
    sharedWith: {
      user: shares.some((share) => share.userId === actor.id),
      projects: shares.flatMap((share) => (share.projectId && memberships.has(share.projectId) ? [share.projectId] : [])),
    },
  };
}

/**
 * A project as the policy weighs it for this actor, with who it is personal to and its own quota (read here, in the
 * same statement, for the upload limits that follow a check); null when there is no such project.
 */
export async function projectSubject(
  db: Pick<Db, "project">,
  memberships: Memberships,
  id: string,
): Promise<(ProjectSubject & { name: string; personalUserId: string | null; quotaBytes: bigint | null }) | null> {
  const row = await db.project.findUnique({ where: { id }, select: { id: true, name: true, kind: true, personalUserId: true, quotaBytes: true } });
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === "personal" ? "personal" : "team",
    personalUserId: row.personalUserId,
    quotaBytes: row.quotaBytes,
    role: memberships.get(row.id) ?? null,
  };
}
