import { quotaLimit, projectUsage } from "../catalog/usage";
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

/**
 * Whether `length` more bytes fit: in the project's quota (its own, else HANGAR_USER_QUOTA; platform images count
 * toward none), and in the upload area, less what uploads in progress will still take (they declared their lengths).
 * An object store has no free space to measure: the bucket's quota, if any, answers the writes.
 */
export async function checkRoom(deps: UploadDeps, project: QuotaProject | null, length: number): Promise<Result<null>> {
  const quota = project ? quotaLimit(project, deps.config.userQuota) : null;
  if (project && quota !== null) {
    const used = await projectUsage(deps.db, project.id);
    if (used + length > quota) return fail("quota_exceeded", overQuotaMessage(length, used, quota, project));
  }
  const room = await deps.area.freeSpace();
  const inProgress = room === null ? [] : await deps.db.upload.findMany({ where: UNFINISHED, select: { length: true, offset: true } });
  const promised = inProgress.reduce((sum, upload) => sum + Number(upload.length - upload.offset), 0);
  const available = room === null ? Infinity : Math.max(0, room - promised - deps.config.minFreeSpace);
  if (length > available) {
    return fail(
      "insufficient_storage",
      `The server has no room for this image: it needs ${humanBytes(length)} and ${humanBytes(available)} is free for uploads. Ask an administrator to free disk space.`,
    );
  }
  return ok(null);
}
