import fsp from "node:fs/promises";
import path from "node:path";
import { recordAudit, SYSTEM } from "../audit/record";
import { UPLOAD_ID } from "./access";
import type { UploadDeps } from "./deps";

/**
 * Removes uploads abandoned for longer than the configured expiry (counted from
 * their last byte, not their creation): the partial file, the record and the
 * image still waiting for its bytes. Finished images are never candidates:
 * their bytes left the upload directory and their upload record is gone.
 * Also removes partial files whose record is gone (an image deleted while uploading).
 */
export async function removeExpiredUploads(deps: UploadDeps, now: Date = new Date()): Promise<{ expired: string[]; orphans: string[] }> {
  const cutoff = new Date(now.getTime() - deps.config.expiryMs);
  const stale = await deps.db.upload.findMany({ where: { lastByteAt: { lt: cutoff } }, select: { id: true, imageId: true, lastByteAt: true } });
  const expired: string[] = [];
  for (const upload of stale) {
    // Guarded on the status, so an image that finished meanwhile is left alone.
    const { count } = await deps.db.image.deleteMany({ where: { id: upload.imageId, status: "uploading", storageKey: null } });
    if (count === 0) continue;
    await recordAudit(deps.db, SYSTEM, {
      action: "image.upload_expire",
      object: { id: upload.imageId, label: upload.id },
      after: { lastByteAt: upload.lastByteAt },
    });
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
