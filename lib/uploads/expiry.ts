import { removeImageRecord } from "../catalog/lifecycle";
import { isFinished } from "./access";
import type { UploadDeps } from "./deps";

/**
 * Removes uploads abandoned for longer than the configured expiry (counted from
 * their last byte, not their creation): the partial file, the record and the
 * image still waiting for its bytes. Finished images are never candidates:
 * their bytes left the upload area; only their upload's record goes, as
 * long after the finish as an unfinished one would. Also removes what uploads
 * whose record is gone left in the upload area (an image deleted while uploading;
 * on S3, multipart uploads abandoned by a node that crashed before its record was written), and the images
 * created to receive bytes that never came (`queued`, as Glance calls them).
 */
export async function removeExpiredUploads(deps: UploadDeps, now: Date = new Date()): Promise<{ expired: string[]; orphans: string[]; queued: string[] }> {
  const cutoff = new Date(now.getTime() - deps.config.expiryMs);
  const stale = await deps.db.upload.findMany({
    where: { lastByteAt: { lt: cutoff } },
    select: { id: true, imageId: true, image: { select: { status: true } } },
  });
  const expired: string[] = [];
  for (const upload of stale) {
    if (isFinished(upload)) {
      await deps.db.upload.deleteMany({ where: { id: upload.id } });
      continue;
    }
    // Only while still waiting for bytes with none claimed: an image that began to finish meanwhile is left alone.
    if (!(await removeImageRecord(deps.db, upload.imageId, ["uploading"], { storageKey: null }))) continue;
    await deps.area.discard(upload.id);
    expired.push(upload.id);
  }
  return { expired, orphans: await removeOrphanFiles(deps), queued: await removeQueuedImages(deps, cutoff) };
}

/**
 * Removes the images that waited longer than the expiry for bytes that never started (Glance's create with
 * no upload, stage or import after it): no upload record, no import, unchanged since the cutoff.
 */
async function removeQueuedImages(deps: UploadDeps, cutoff: Date): Promise<string[]> {
  const waiting = { status: "uploading", upload: null, import: null, updatedAt: { lt: cutoff } } as const;
  const stale = await deps.db.image.findMany({ where: waiting, select: { id: true } });
  const removed: string[] = [];
  // Each with the same conditions again: bytes that began to arrive meanwhile keep their image.
  for (const { id } of stale) if (await removeImageRecord(deps.db, id, ["uploading"], { ...waiting, storageKey: null })) removed.push(id);
  return removed;
}

async function removeOrphanFiles(deps: UploadDeps): Promise<string[]> {
  const names = await deps.area.leftovers();
  if (names.length === 0) return [];
  const known = new Set((await deps.db.upload.findMany({ where: { id: { in: names } }, select: { id: true } })).map((row) => row.id));
  const orphans = names.filter((name) => !known.has(name));
  for (const name of orphans) await deps.area.discard(name);
  return orphans;
}
