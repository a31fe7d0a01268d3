import type { Db } from "../db/client";
import { ensurePersonalProject } from "../projects/personal";

/**
 * The bytes a user's personal project may keep: its own quota when an administrator set one (on the user,
 * or on the project), else the server's default (HANGAR_USER_QUOTA; null for none).
 */
export async function userQuota(db: Db, userId: string, defaultQuota: number | null): Promise<number | null> {
  const project = await db.project.findUnique({ where: { personalUserId: userId }, select: { quotaBytes: true } });
  return project?.quotaBytes === null || project?.quotaBytes === undefined ? defaultQuota : Number(project.quotaBytes);
}

/** Sets the quota of a user's personal project (null: the default), creating the project if the account lacks one. */
export async function setUserQuota(db: Pick<Db, "project" | "projectMember">, user: { id: string; email: string }, quotaBytes: bigint | null): Promise<void> {
  const { id } = await ensurePersonalProject(db, user);
  await db.project.update({ where: { id }, data: { quotaBytes } });
}
