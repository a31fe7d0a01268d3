import type { Db } from "../db/client";

/**
 * The bytes of private images a user may keep: their own quota when an administrator set one, else the
 * server's default (HANGAR_USER_QUOTA; null for none). When projects land, the personal project's quota.
 */
export async function userQuota(db: Db, userId: string, defaultQuota: number | null): Promise<number | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { personalQuotaBytes: true } });
  return user?.personalQuotaBytes === null || user?.personalQuotaBytes === undefined ? defaultQuota : Number(user.personalQuotaBytes);
}
