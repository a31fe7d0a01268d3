import type { Db } from "../db/client";

/**
 * Bytes a project's images take, counting uploads in progress at their
 * declared length: what the project's quota is measured against. Platform
 * images belong to the platform and count toward no project's quota.
 */
export async function projectUsage(db: Pick<Db, "image">, projectId: string): Promise<number> {
  // A deleted version's record stays (to name its replacement), its bytes do not: it takes no room.
  const sum = await db.image.aggregate({ where: { projectId, status: { not: "deleted" } }, _sum: { fileSize: true } });
  return Number(sum._sum.fileSize ?? 0n);
}

/** The quota that applies to a project: its own, else the configured default (HANGAR_USER_QUOTA); null for none. */
export function quotaLimit(project: { quotaBytes: bigint | null }, defaultQuota: number | null): number | null {
  return project.quotaBytes === null ? defaultQuota : Number(project.quotaBytes);
}

/** A project's usage against its limit, as the portal's bar and the API show it. */
export interface Usage {
  usedBytes: number;
  /** The project's own quota; null when it takes the configured default. */
  quotaBytes: number | null;
  /** What applies: the project's quota or the default; null for no limit. */
  limitBytes: number | null;
}

export async function usageOf(db: Pick<Db, "image">, project: { id: string; quotaBytes: bigint | null }, defaultQuota: number | null): Promise<Usage> {
  return {
    usedBytes: await projectUsage(db, project.id),
    quotaBytes: project.quotaBytes === null ? null : Number(project.quotaBytes),
    limitBytes: quotaLimit(project, defaultQuota),
  };
}
