import type { Db } from "../db/client";

/**
 * Bytes a user's private images take, counting uploads in progress at their
 * declared length: what the per-user quota is measured against. Platform
 * images belong to the platform and count toward nobody's quota.
 */
export async function storageUsage(db: Db, ownerId: string): Promise<number> {
  // A deleted version's record stays (to name its replacement), its bytes do not: it takes no room.
  const sum = await db.image.aggregate({ where: { ownerId, visibility: "private", status: { not: "deleted" } }, _sum: { fileSize: true } });
  return Number(sum._sum.fileSize ?? 0n);
}
