import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import type { ImageStore } from "./store";

/** One way of the migration: its stores, and how one image's bytes get from one to the other whole (a key holds all of them or nothing). */
export interface StorageDirection {
  from: ImageStore;
  to: ImageStore;
  /** Writes the source's bytes of `key` into the target; an interrupted write leaves no object under the key. */
  write(key: string): Promise<void>;
}

/** An image whose bytes move, as the catalog knows them. */
export interface ImageBytes {
  id: string;
  name: string;
  storageKey: string;
  size: number;
  sha256: string | null;
}

/** What became of one image: copied (and verified), already there (verified), or not copied and why. */
export type MoveOutcome = { kind: "copied" | "present" | "would-copy"; image: ImageBytes } | { kind: "failed"; image: ImageBytes; reason: string };

export interface MigrationSummary {
  copied: number;
  present: number;
  wouldCopy: number;
  failed: { image: ImageBytes; reason: string }[];
  /** Bytes written to the target by this run. */
  bytes: number;
}

export interface MigrationOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Called after each image, with its position among `total`. */
  onImage?: (outcome: MoveOutcome, index: number, total: number) => void;
}

/** Images read from the catalog at a time: a catalog of a million images is never in memory at once. */
const PAGE = 500;

/** Every image whose bytes are in the store: uploads in progress are in the upload area, deleted images have none. */
const WITH_BYTES = { storageKey: { not: null }, status: { notIn: ["uploading", "deleted"] } };

async function* imagesWithBytes(db: Db): AsyncGenerator<ImageBytes> {
  for (let after: string | undefined; ;) {
    const page = await db.image.findMany({
      where: { ...WITH_BYTES, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, name: true, storageKey: true, fileSize: true, sha256: true },
    });
    for (const row of page) yield { id: row.id, name: row.name, storageKey: row.storageKey ?? "", size: Number(row.fileSize), sha256: row.sha256 };
    if (page.length < PAGE) return;
    after = page[page.length - 1]?.id;
  }
}

/** Why the store's bytes of `image` are not the catalog's, or null when their size and SHA-256 are. */
async function mismatch(store: ImageStore, image: ImageBytes): Promise<string | null> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of store.openRead(image.storageKey)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  if (size !== image.size) return `it holds ${size} bytes where the catalog says ${image.size}`;
  const sha256 = hash.digest("hex");
  if (image.sha256 !== null && sha256 !== image.sha256) return `its SHA-256 is ${sha256} where the catalog says ${image.sha256}`;
  return null;
}

async function moveOne(direction: StorageDirection, image: ImageBytes, dryRun: boolean): Promise<MoveOutcome> {
  const { from, to } = direction;
  // Resuming: an object of the right size was copied by an earlier run (a write is whole or absent); its bytes are checked all the same.
  if ((await to.size(image.storageKey)) === image.size) {
    if (dryRun) return { kind: "present", image };
    if ((await mismatch(to, image)) === null) return { kind: "present", image };
  }
  const inSource = await from.size(image.storageKey);
  if (inSource === null) return { kind: "failed", image, reason: "its bytes are missing from the source" };
  if (inSource !== image.size) return { kind: "failed", image, reason: `the source holds ${inSource} bytes where the catalog says ${image.size}: not copied` };
  if (dryRun) return { kind: "would-copy", image };
  await direction.write(image.storageKey);
  const wrong = await mismatch(to, image);
  if (wrong === null) return { kind: "copied", image };
  // A copy that is not the catalog's image is not left where Hangar would serve it; the source stays as it is.
  await to.remove(image.storageKey);
  return { kind: "failed", image, reason: `the copy did not match the catalog (${wrong}): removed from the target, the source is untouched` };
}

/**
 * Copies every image's bytes from one store to the other, each checked against the catalog's size and SHA-256 once
 * written. Idempotent, hence resumable: an image already in the target (with the right bytes) is skipped. Never
 * deletes from the source. Stops between two images when `signal` aborts; what was copied stays.
 */
export async function migrateStorage(db: Db, direction: StorageDirection, options: MigrationOptions = {}): Promise<MigrationSummary> {
  const total = await db.image.count({ where: WITH_BYTES });
  const summary: MigrationSummary = { copied: 0, present: 0, wouldCopy: 0, failed: [], bytes: 0 };
  let index = 0;
  for await (const image of imagesWithBytes(db)) {
    if (options.signal?.aborted) break;
    const outcome = await moveOne(direction, image, options.dryRun ?? false);
    index += 1;
    if (outcome.kind === "copied") {
      summary.copied += 1;
      summary.bytes += image.size;
    } else if (outcome.kind === "present") summary.present += 1;
    else if (outcome.kind === "failed") summary.failed.push({ image, reason: outcome.reason });
    else summary.wouldCopy += 1;
    options.onImage?.(outcome, index, total);
  }
  return summary;
}
