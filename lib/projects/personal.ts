import { nameKey } from "../catalog/image-name";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import type { Prisma } from "../db/generated/client";

type Tx = Pick<Db, "project" | "projectMember">;

/**
 * Every user has a personal project, named after the user's email (unique, and no team project name
 * can hold an "@"), and owns it. Called wherever an account is created (the seed and bootstrap through
 * upsertUser, an administrator's invitation), in the same transaction when there is one; a user
 * without one (an account made another way) gets it on first use, so none is ever missing.
 */
export async function ensurePersonalProject(db: Tx, user: { id: string; email: string }, quotaBytes: bigint | null = null): Promise<{ id: string }> {
  const existing = await db.project.findUnique({ where: { personalUserId: user.id }, select: { id: true } });
  if (existing) return existing;
  const data: Prisma.ProjectUncheckedCreateInput = { name: user.email, nameKey: nameKey(user.email), kind: "personal", personalUserId: user.id, quotaBytes };
  let project: { id: string };
  try {
    project = await db.project.create({ data, select: { id: true } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another request created it meanwhile, or two emails fold to one key: the user's id keeps this key apart.
    project =
      (await db.project.findUnique({ where: { personalUserId: user.id }, select: { id: true } })) ??
      (await db.project.create({ data: { ...data, nameKey: `${data.nameKey} ${user.id}` }, select: { id: true } }));
  }
  await db.projectMember.upsert({
    where: { projectId_userId: { projectId: project.id, userId: user.id } },
    create: { projectId: project.id, userId: user.id, role: "owner" },
    update: { role: "owner" },
  });
  return project;
}

/** The project an actor's private images go to and family names resolve in by default: their token's, else their personal project. */
export async function defaultProjectId(db: Tx, actor: { id: string; email: string; limits?: { projectId: string | null } }): Promise<string> {
  return actor.limits?.projectId ?? (await ensurePersonalProject(db, actor)).id;
}
