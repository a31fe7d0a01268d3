import fsp from "node:fs/promises";
import path from "node:path";
import { recordAudit, SYSTEM } from "../audit/record";
import { newStorageKey } from "../catalog/keys";
import { scheduleValidation } from "../catalog/validation";
import { fail, ok, type Result } from "../result";
import type { UploadDeps } from "./deps";
import { forgetProgress } from "./progress";
import { uploadRequestContext } from "./request-context";

const inFlight = new Map<string, Promise<Result<{ imageId: string }>>>();

/**
 * The last byte is in: moves the file out of the upload directory into image
 * storage (so expiry can never touch it), records size and SHA-256, and hands
 * the image to validation. Safe to call again for the same upload, and able to
 * complete a finish a crash interrupted (see finishCompleteUploads).
 */
export function finishUpload(deps: UploadDeps, id: string): Promise<Result<{ imageId: string }>> {
  let running = inFlight.get(id);
  if (!running) {
    running = finish(deps, id).finally(() => inFlight.delete(id));
    inFlight.set(id, running);
  }
  return running;
}

async function finish(deps: UploadDeps, id: string): Promise<Result<{ imageId: string }>> {
  const row = await deps.db.upload.findUnique({ where: { id }, include: { image: { select: { storageKey: true, sha256: true } } } });
  if (!row) return fail("not_found", "No such upload.");
  const filePath = path.join(deps.uploadDir, id);
  const length = Number(row.length);
  let storageKey = row.image.storageKey;
  if (!storageKey || (await deps.store.size(storageKey)) === null) {
    const size = (await fsp.stat(filePath).catch(() => null))?.size ?? null;
    if (size !== length) return fail("conflict", `The upload has ${size ?? 0} of ${length} bytes.`);
    // Key and checksum first: a crash after the move below leaves enough to complete at the next start.
    const sha256 = row.image.sha256 ?? (await deps.hashes.digest(id, filePath, length));
    storageKey ??= newStorageKey();
    await deps.db.image.update({ where: { id: row.imageId }, data: { storageKey, sha256 } });
    await deps.store.adopt(storageKey, filePath);
  }
  deps.hashes.forget(id);
  forgetProgress(id);
  await deps.db.$transaction([
    deps.db.image.update({ where: { id: row.imageId }, data: { status: "validating", fileSize: BigInt(length), validationProgress: 0 } }),
    deps.db.upload.delete({ where: { id } }),
  ]);
  await recordAudit(deps.db, uploadRequestContext.getStore()?.actor ?? SYSTEM, {
    action: "image.upload_finish",
    object: { id: row.imageId, label: row.fileName },
    after: { fileSize: length },
  });
  scheduleValidation(deps, row.imageId);
  return ok({ imageId: row.imageId });
}

/**
 * Finishes uploads whose bytes are all in but whose finish did not happen or
 * was cut short (a crash, a failed hook): at boot and from the cleanup job.
 */
export async function finishCompleteUploads(deps: UploadDeps): Promise<string[]> {
  const rows = await deps.db.upload.findMany({ select: { id: true, length: true, image: { select: { storageKey: true } } } });
  const finished: string[] = [];
  for (const row of rows) {
    const size = (await fsp.stat(path.join(deps.uploadDir, row.id)).catch(() => null))?.size ?? null;
    const moved = row.image.storageKey !== null && (await deps.store.size(row.image.storageKey)) !== null;
    if (!moved && size !== Number(row.length)) continue;
    const result = await finishUpload(deps, row.id);
    if (result.ok) finished.push(row.id);
  }
  return finished;
}
