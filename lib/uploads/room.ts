import { projectUsage, quotaLimit } from "../catalog/usage";
import type { CatalogDeps } from "../catalog/deps";
import { fail, ok, type Result } from "../result";
import { humanBytes } from "../units";
import { UNFINISHED } from "./access";
import type { UploadDeps } from "./deps";
import { overQuotaMessage } from "./messages";

/** The project an upload fills, with what its quota needs. */
export interface QuotaProject {
  id: string;
  name: string;
  kind: string;
  quotaBytes: bigint | null;
}

/** Imports still writing: their announced length is spoken for until their last byte. */
const IMPORTING = { status: "downloading", total: { not: null } } as const;

/**
 * Bytes a new upload or import may still take from `measured` free bytes: what uploads and imports in progress
 * announced and have not written yet is spoken for, and `reserve` stays free. Infinity when nothing is measured
 * (an object store: the bucket's quota, if any, answers the writes).
 */
export async function roomForNewTransfer(deps: Pick<CatalogDeps, "db">, measured: number | null, reserve: number): Promise<number> {
  if (measured === null) return Infinity;
  const [uploads, imports] = await Promise.all([
    deps.db.upload.findMany({ where: UNFINISHED, select: { length: true, offset: true } }),
    deps.db.imageImport.findMany({ where: IMPORTING, select: { total: true, received: true } }),
  ]);
  const promised =
    uploads.reduce((sum, upload) => sum + Number(upload.length - upload.offset), 0) +
    imports.reduce((sum, entry) => sum + Math.max(0, Number((entry.total ?? 0n) - entry.received)), 0);
  return Math.max(0, measured - promised - reserve);
}

/** Where a transfer's bytes land: its free space (null: nothing to measure), and what the refusal calls the transfers. */
export interface Landing {
  freeSpace: () => Promise<number | null>;
  label: string;
}

/**
 * Whether `length` more bytes fit: in the project's quota (its own, else HANGAR_USER_QUOTA; platform images count
 * toward none), and where they land (the upload area, or an import's download directory), less what uploads
 * and imports in progress will still take.
 */
export async function checkRoom(
  deps: UploadDeps,
  project: QuotaProject | null,
  length: number,
  landing: Landing = { freeSpace: () => deps.area.freeSpace(), label: "uploads" },
): Promise<Result<null>> {
  const quota = project ? quotaLimit(project, deps.config.userQuota) : null;
  if (project && quota !== null) {
    const used = await projectUsage(deps.db, project.id);
    if (used + length > quota) return fail("quota_exceeded", overQuotaMessage(length, used, quota, project));
  }
  const available = await roomForNewTransfer(deps, await landing.freeSpace(), deps.config.minFreeSpace);
  if (length > available) {
    return fail(
      "insufficient_storage",
      `The server has no room for this image: it needs ${humanBytes(length)} and ${humanBytes(available)} is free for ${landing.label}. Ask an administrator to free disk space.`,
    );
  }
  return ok(null);
}
