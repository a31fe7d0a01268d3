import { newStorageKey } from "../catalog/keys";
import { transition, writeWhile } from "../catalog/lifecycle";
import { scheduleValidation } from "../catalog/validation";
import { fail, ok, type Result } from "../result";
import { isFinished, UNFINISHED } from "./access";
import type { UploadDeps } from "./deps";
import { forgetProgress } from "./progress";

const DELETED = "The image was deleted while its upload finished.";

/**
 * The last byte is in: moves the bytes out of the upload area (lib/uploads/area.ts) into image
 * storage (so expiry can never touch them), records its size, and hands the
 * image to validation with the upload's running SHA-256 (or `known`: an
 * import's, verified as its bytes came in), which validation records; the
 * upload's record stays, complete, until expiry.
 * Safe to run again, or at the same time from another request or process, and
 * able to complete a finish a crash interrupted (see finishCompleteUploads):
 * every step is a conditional write (lib/catalog/lifecycle.ts), so of two
 * finishes one moves the image and the other sees it moved.
 */
export async function finishUpload(deps: UploadDeps, id: string, known?: { sha256: string }): Promise<Result<{ imageId: string }>> {
  const row = await deps.db.upload.findUnique({ where: { id }, include: { image: { select: { status: true, storageKey: true } } } });
  // The upload and its image are read in two queries: an expiry or a deletion between them (seen on PostgreSQL)
  // leaves the upload without its image, and both are gone.
  if (!row || (row.image as typeof row.image | null) === null) return fail("not_found", "No such upload.");
  const { imageId } = row;
  if (isFinished(row)) return ok({ imageId });
  const length = Number(row.length);
  const storageKey = row.image.storageKey ?? (await claimStorageKey(deps, imageId, id, length));
  if (typeof storageKey !== "string") return storageKey;
  let checksum: Promise<string> | undefined;
  if ((await deps.store.size(storageKey)) === null) {
    try {
      checksum = (await deps.area.moveInto(id, storageKey, length, known?.sha256)).digest;
    } catch (error) {
      // Another finish moved the bytes first: they are in storage all the same.
      if ((await deps.store.size(storageKey)) !== length) throw error;
    }
  }
  forgetProgress(id);
  // The upload's record stays, complete, so that a client that lost this answer learns it with HEAD; expiry removes it.
  const complete = deps.db.upload.updateMany({ where: { id }, data: { offset: BigInt(length), lastByteAt: new Date() } });
  const moved = await transition(deps.db, imageId, "finish", { fileSize: BigInt(length), validationProgress: 0 }, { alongWith: [complete] });
  if (moved) {
    // Recorded as soon as the hash has caught up, for clients that check it before validation ends.
    // Only into an empty column: a conversion that was quicker wrote its own file's.
    void checksum?.then((sha256) => writeWhile(deps.db, imageId, ["validating"], { sha256 }, { sha256: null })).catch(() => undefined);
    scheduleValidation(deps, imageId, checksum);
  } else if (!(await deps.db.image.count({ where: { id: imageId } }))) {
    // Deleted while it finished: whoever deleted it may have read no key yet, so the bytes moved here go too.
    deps.hashes.forget(id);
    await deps.store.remove(storageKey);
    return fail("gone", DELETED);
  }
  return ok({ imageId });
}

/**
 * Records where the finished bytes will live, before they move: a crash after the move leaves enough to
 * complete it. Returns the key the image holds afterwards (another finish's, if it was first), or why there is none.
 */
async function claimStorageKey(deps: UploadDeps, imageId: string, id: string, length: number): Promise<string | Result<never>> {
  const current = () => deps.db.image.findUnique({ where: { id: imageId }, select: { storageKey: true } });
  const size = await deps.area.completeSize(id, length);
  if (size !== length) {
    // Another finish may have claimed a key and moved the bytes since this one read the image.
    const claimed = (await current())?.storageKey;
    return claimed ?? fail("conflict", `The upload has ${size ?? 0} of ${length} bytes.`);
  }
  const key = newStorageKey();
  if (await writeWhile(deps.db, imageId, ["uploading"], { storageKey: key }, { storageKey: null })) return key;
  return (await current())?.storageKey ?? fail("gone", DELETED);
}

/**
 * How long an upload must have received nothing before the cleanup job completes what its upload area holds:
 * longer than a request waits for an upload's lock (30 s) and than tus clients wait between retries, so that a
 * client about to resume has done so (docs/decisions.md, "The cleanup job and a live PATCH").
 */
export const COMPLETION_IDLE_MS = 60_000;
/** At most this many uploads' areas are looked at per round, the most recently idle first: a bounded cost on S3 (three requests each). */
export const COMPLETION_CHECKS_PER_ROUND = 100;

/**
 * Finishes uploads whose bytes are all in but whose finish did not happen or
 * was cut short (a crash, a failed hook): at boot and from the cleanup job.
 * One whose bytes are still in the upload area is looked at only once idle for COMPLETION_IDLE_MS, or once its last
 * byte came before `startedAt` (this node's start: what a crash left is finished at boot, not a round later), and only
 * under its lock, taken if free (a request writing it keeps it): on S3, completing its parts would complete the
 * multipart upload under a PATCH that is about to.
 */
export async function finishCompleteUploads(deps: UploadDeps, now = new Date(), startedAt?: Date): Promise<string[]> {
  // Staged bytes (Glance's glance-direct) wait for their import call, not for this.
  const unfinished = { ...UNFINISHED, staged: false } as const;
  const select = { id: true, length: true, image: { select: { storageKey: true } } } as const;
  const [claimed, idle] = await Promise.all([
    deps.db.upload.findMany({ where: { ...unfinished, image: { ...unfinished.image, storageKey: { not: null } } }, select }),
    deps.db.upload.findMany({
      where: { ...unfinished, lastByteAt: { lt: new Date(Math.max(now.getTime() - COMPLETION_IDLE_MS, startedAt?.getTime() ?? 0)) } },
      select,
      orderBy: { lastByteAt: "desc" },
      take: COMPLETION_CHECKS_PER_ROUND,
    }),
  ]);
  const finished: string[] = [];
  // A finish cut short after its bytes moved into storage: the upload area has nothing of them left.
  for (const row of claimed) {
    if ((await deps.store.size(row.image.storageKey ?? "")) === null) continue;
    if ((await finishUpload(deps, row.id)).ok) finished.push(row.id);
  }
  for (const row of idle) {
    if (finished.includes(row.id)) continue;
    const unlock = await deps.locker.lockIfFree(row.id);
    if (!unlock) continue;
    try {
      if ((await deps.area.completeSize(row.id, Number(row.length))) !== Number(row.length)) continue;
      if ((await finishUpload(deps, row.id)).ok) finished.push(row.id);
    } finally {
      await unlock();
    }
  }
  return finished;
}
