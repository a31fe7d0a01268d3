import fsp from "node:fs/promises";
import path from "node:path";
import { removeImageRecord } from "../catalog/lifecycle";
import { isFinished, UPLOAD_ID } from "./access";
import type { UploadDeps } from "./deps";

/**
 * Removes uploads abandoned for longer than the configured expiry (counted from
 * their last byte, not their creation): the partial file, the record and the
 * image still waiting for its bytes. Finished images are never candidates:
 * their bytes left the upload directory; only their upload's record goes, as
 * long after the finish as an unfinished one would. Also removes partial files
 * whose record is gone (an image deleted while uploading).
 */
export async function removeExpiredUploads(deps: UploadDeps, now: Date = new Date()): Promise<{ expired: string[]; orphans: string[] }> {
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
    deps.hashes.forget(upload.id);
    await fsp.rm(path.join(deps.uploadDir, upload.id), { force: true });
    expired.push(upload.id);
  }
  return { expired, orphans: await removeOrphanFiles(deps) };
}

async function removeOrphanFiles(deps: UploadDeps): Promise<string[]> {
  const names = (await fsp.readdir(deps.uploadDir).catch(() => [] as string[])).filter((name) => UPLOAD_ID.test(name));
  if (names.length === 0) return [];
  const known = new Set((await deps.db.upload.findMany({ where: { id: { in: names } }, select: { id: true } })).map((row) => row.id));
  const orphans = names.filter((name) => !known.has(name));
  for (const name of orphans) {
    deps.hashes.forget(name);
    await fsp.rm(path.join(deps.uploadDir, name), { force: true });
  }
  return orphans;
}
