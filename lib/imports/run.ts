import { createHash, type Hash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { type ChecksumAlgorithm, parseChecksum } from "../checksums/checksum";
import { newStorageKey } from "../catalog/keys";
import { removeImageRecord, transition } from "../catalog/lifecycle";
import { projectUsage, quotaLimit } from "../catalog/usage";
import { humanBytes } from "../units";
import { finishUpload } from "../uploads/finish";
import { batches } from "../uploads/batches";
import { UploadHashes } from "../uploads/hashes";
import { overQuotaMessage, tooLargeMessage } from "../uploads/messages";
import type { ImportDeps } from "./deps";
import { asImportFailure, ImportFailure } from "./errors";
import { importFailedReport } from "./failed-report";
import { FileWriter } from "./file-writer";
import { type Opened, openUrl } from "./guarded-http";
import type { GuardedResponse } from "./guarded-response";
import { isPacked, SNIFF_BYTES, unpack } from "./unpack";

/** How often a running import writes its progress (and learns whether it was cancelled or its image deleted). */
export const NOTE_EVERY_MS = 2000;
const ALGORITHM_NAMES = { sha256: "SHA-256", sha512: "SHA-512" } as const;

/** The imports this process is running, to cancel them (and wait for their end); another node's learn it at their next progress note. */
const running = new Map<string, { controller: AbortController; done: Promise<void> }>();

/**
 * The imports' hashes of downloads with a checksum to check, in a worker thread that reads each file
 * behind its writes (from the page cache), so that the event loop only moves bytes. Its own worker, at
 * normal priority: the import waits for the digest before it ends.
 */
const hashes = new UploadHashes({ lowPriority: false });
const hashId = (id: string) => `import:${id}`;

export const downloadPath = (deps: ImportDeps, id: string) => path.join(deps.downloadDir, `${id}.download`);
const diskPath = (deps: ImportDeps, id: string) => path.join(deps.downloadDir, `${id}.disk`);

const sizeOf = async (file: string) => (await fsp.stat(file).catch(() => null))?.size ?? 0;

export const isRunning = (id: string) => running.has(id);

/** Stops an import this process runs, and waits until it has removed its image and bytes. */
export async function stopImport(id: string): Promise<void> {
  const run = running.get(id);
  run?.controller.abort(new ImportFailure("cancelled", "The import was cancelled."));
  await run?.done;
}

/** Removes an import's downloaded and unpacked bytes. */
export async function removeImportFiles(deps: ImportDeps, id: string): Promise<void> {
  hashes.forget(hashId(id));
  await Promise.all([fsp.rm(downloadPath(deps, id), { force: true }), fsp.rm(diskPath(deps, id), { force: true })]);
}

type ImportRow = NonNullable<Awaited<ReturnType<typeof loadImport>>>;

const loadImport = (deps: ImportDeps, id: string) =>
  deps.db.imageImport.findUnique({
    where: { id },
    include: { image: { select: { status: true, visibility: true, project: { select: { id: true, name: true, kind: true, quotaBytes: true } } } } },
  });

/** Writes `chunk`, waiting while the file's buffer is full. */
async function write(out: fs.WriteStream, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, "drain");
}

async function close(out: fs.WriteStream): Promise<void> {
  if (out.closed) return;
  if (!out.writableEnded) out.end();
  await once(out, "close");
}

/** The file's first bytes (from the part on disk, then the response's, which stay in the response). */
async function headOf(raw: string, offset: number, response: GuardedResponse): Promise<Buffer> {
  const parts: Buffer[] = [];
  if (offset > 0) {
    const file = await fsp.open(raw, "r");
    try {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(Math.min(offset, SNIFF_BYTES)), 0, Math.min(offset, SNIFF_BYTES), 0);
      parts.push(buffer.subarray(0, bytesRead));
    } finally {
      await file.close();
    }
  }
  const have = parts[0]?.length ?? 0;
  if (have < SNIFF_BYTES) parts.push(await response.peek(SNIFF_BYTES - have));
  return Buffer.concat(parts);
}

/** The quota of the image's project: its other images' bytes (this one's declared size counts already) and its limit, or null without a quota. */
async function quotaRoom(
  deps: ImportDeps,
  row: ImportRow,
  declared: number,
): Promise<{ used: number; limit: number; project: { name: string; kind: string } } | null> {
  const project = row.image?.visibility === "private" ? row.image.project : null;
  if (!project) return null;
  const limit = quotaLimit(project, deps.config.userQuota);
  if (limit === null) return null;
  return { used: (await projectUsage(deps.db, project.id)) - declared, limit, project };
}

interface Transfer {
  packing: string[];
  /** The file that holds the disk: the download itself when nothing was unpacked. */
  disk: string;
  digest: string | null;
  /** The bytes the server sent, this attempt's and those before. */
  received: number;
}

/** How far the writes go before the hashing worker hears of it. */
const GROW_EVERY = 4 << 20;

/**
 * One attempt: the rest of the file comes from the server and is appended to the download. A plain disk
 * is piped straight into it (the download is the disk); a compressed file or an archive also goes through
 * the unpacker into the disk file, which reads the bytes already on disk again first (it has no state to
 * keep across a restart). A checksum's hash follows the writes in a worker thread.
 */
async function transfer(deps: ImportDeps, row: ImportRow, opened: Opened, signal: AbortSignal): Promise<Transfer> {
  const { id } = row;
  const raw = downloadPath(deps, id);
  const offset = opened.start;
  const checksum = row.checksum ? parseChecksum(row.checksum) : null;
  // A download that starts again from byte 0 (a fresh start, or a server that ignored the Range) is hashed again too.
  if (offset === 0) hashes.forget(hashId(id));
  const { maxImageSize } = deps.config;
  const declared = Number(row.total ?? 0);
  const quota = await quotaRoom(deps, row, declared);
  let received = offset;
  let lastNote = Date.now();

  const limit = (bytes: number) => {
    if (bytes > maxImageSize) throw new ImportFailure("too_large", tooLargeMessage(bytes, maxImageSize));
    if (quota && quota.used + bytes > quota.limit) throw new ImportFailure("quota_exceeded", overQuotaMessage(bytes, quota.used, quota.limit, quota.project));
  };
  const note = async () => {
    lastNote = Date.now();
    const { count } = await deps.db.imageImport.updateMany({ where: { id, status: "downloading" }, data: { received: BigInt(received) } });
    const image = row.imageId ? await deps.db.image.count({ where: { id: row.imageId, status: "uploading" } }) : 0;
    if (count === 0 || image === 0) throw new ImportFailure("cancelled", "The import was cancelled, or its image deleted.");
  };

  /** Whether the file goes through the unpacker (known from its first bytes): its checksum then follows the file on disk. */
  let packed = false;
  let grown = offset;
  /**
   * Counts a chunk that arrived (against the size and quota limits), tells the hash how far the file is
   * `written`, and notes progress when it is time: the one step that waits, so the only one with a promise.
   */
  const arrived = (length: number, written: number): Promise<void> | undefined => {
    signal.throwIfAborted();
    received += length;
    limit(received);
    if (checksum && packed && written - grown >= GROW_EVERY) hashes.grow(hashId(id), raw, (grown = written), checksum.algorithm);
    return Date.now() - lastNote >= NOTE_EVERY_MS ? note() : undefined;
  };
  // The response was opened before (the first one by the request that created the import): a cancellation ends it here.
  const abort = () => opened.response.destroy(signal.reason as Error);
  signal.addEventListener("abort", abort, { once: true });

  try {
    signal.throwIfAborted();
    packed = isPacked(await headOf(raw, offset, opened.response));
    const disk = packed ? diskPath(deps, id) : raw;
    let packing: string[] = [];
    // A plain disk's checksum is hashed from the writer's buffers (the bytes already on disk first, on a resume).
    const hash = checksum && !packed ? await hashOfFile(raw, offset, checksum.algorithm) : null;
    if (packed) {
      const out = fs.createWriteStream(raw, { flags: offset > 0 ? "r+" : "w", start: offset, highWaterMark: 4 << 20 });
      try {
        ({ packing } = await unpackInto(disk, published(raw, offset, opened, out, arrived), limit));
      } finally {
        await close(out);
      }
    } else await pour(raw, offset, opened.response, arrived, hash);
    if (opened.total !== null && received !== opened.total)
      throw new ImportFailure("network", `The server sent ${humanBytes(received)} of ${humanBytes(opened.total)}.`, true);
    const digest = hash ? hash.digest("hex") : checksum ? await (await hashes.begin(hashId(id), raw, received, checksum.algorithm)).digest : null;
    // The count goes to the row with the hand-over's writes (finish), in one transaction.
    return { packing, disk, digest, received };
  } catch (error) {
    // What arrived is kept: the progress shown, and the resume's starting point.
    await deps.db.imageImport.updateMany({ where: { id, status: "downloading" }, data: { received: BigInt(received) } });
    throw error;
  } finally {
    signal.removeEventListener("abort", abort);
    opened.response.destroy();
  }
}

/** A hash of the file's first `length` bytes: those a resumed attempt's bytes follow. */
async function hashOfFile(file: string, length: number, algorithm: ChecksumAlgorithm): Promise<Hash> {
  const hash = createHash(algorithm);
  if (length > 0) for await (const chunk of fs.createReadStream(file, { end: length - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash;
}

/**
 * A plain disk: the body straight into the download, read into the FileWriter's buffers and written from
 * them, counted per read. A limit or a cancellation that a progress note finds ends the response.
 */
async function pour(
  raw: string,
  offset: number,
  response: GuardedResponse,
  arrived: (length: number, written: number) => Promise<void> | undefined,
  hash: Hash | null,
): Promise<void> {
  const file = await fsp.open(raw, offset > 0 ? "r+" : "w");
  const stop = (error: unknown) => response.destroy(error as Error);
  const writer = new FileWriter(file.fd, offset, stop, hash);
  try {
    await response.bodyInto({
      space: () => writer.space(),
      filled: (length, resume) => {
        arrived(length, writer.written)?.catch(stop);
        return writer.filled(length, resume);
      },
    });
    await writer.finish();
  } catch (error) {
    // What arrived is written all the same (the import resumes after it), and the file closes only after its writes.
    await writer.finish().catch(() => undefined);
    throw asImportFailure(error);
  } finally {
    await file.close();
  }
}

/** The whole file for the unpacker: the part on disk read again, then the server's, appended to the download as it goes. */
async function* published(
  raw: string,
  offset: number,
  opened: Opened,
  out: fs.WriteStream,
  arrived: (length: number, written: number) => Promise<void> | undefined,
): AsyncGenerator<Buffer> {
  if (offset > 0) yield* fs.createReadStream(raw, { start: 0, end: offset - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  try {
    for await (const chunk of batches(opened.response as AsyncIterable<Buffer>)) {
      await arrived(chunk.length, offset + out.bytesWritten);
      await write(out, chunk);
      yield chunk;
    }
  } catch (error) {
    // Typed here, so that the unpacker passing it on does not take a cut connection for a damaged file.
    throw asImportFailure(error);
  }
  await close(out);
}

/** Unpacks the file's chunks into `disk`, within the size limits. */
async function unpackInto(disk: string, file: AsyncIterable<Buffer>, limit: (bytes: number) => void): Promise<{ packing: string[] }> {
  const { packing, disk: chunks } = await unpack(file);
  const diskOut = fs.createWriteStream(disk, { highWaterMark: 4 << 20 });
  let unpacked = 0;
  try {
    for await (const chunk of chunks) {
      unpacked += chunk.length;
      limit(unpacked);
      await write(diskOut, chunk);
    }
  } finally {
    await close(diskOut);
  }
  return { packing };
}

/** Opens the file for an attempt, from where the download stands when the server honours a Range. */
async function open(deps: ImportDeps, row: ImportRow, signal: AbortSignal): Promise<Opened> {
  const raw = downloadPath(deps, row.id);
  const offset = await sizeOf(raw);
  const opened = await openUrl(new URL(row.url), { config: deps.imports, offset, validator: row.validator, signal });
  const data: { finalUrl: string; validator: string | null; total?: bigint | null; received?: bigint } = {
    finalUrl: opened.url.href,
    validator: opened.validator,
  };
  // A fresh start (no Range, or the file changed): whatever was downloaded goes.
  if (opened.start === 0) {
    data.total = opened.total === null ? null : BigInt(opened.total);
    data.received = 0n;
  }
  await deps.db.imageImport.updateMany({ where: { id: row.id, status: "downloading" }, data });
  if (row.imageId && opened.start === 0 && opened.total !== null)
    await deps.db.image.updateMany({ where: { id: row.imageId, status: "uploading" }, data: { fileSize: BigInt(opened.total) } });
  return opened;
}

/** Ends an import that failed for good: its image and bytes go, the row says why. */
async function failImport(deps: ImportDeps, row: ImportRow, failure: ImportFailure): Promise<void> {
  const status = failure.kind === "cancelled" ? "cancelled" : "failed";
  // The bytes go before the row says it ended: whoever waits for the end finds nothing left. An image that was
  // there before the import (Glance's) stays, rejected with the reason, as Glance's clients expect it killed.
  if (row.imageId && row.keepsImage)
    await transition(deps.db, row.imageId, "abandon", { fileSize: 0n, report: JSON.stringify(importFailedReport(row.url, failure.message)) });
  else if (row.imageId) await removeImageRecord(deps.db, row.imageId, ["uploading"], { storageKey: null });
  await removeImportFiles(deps, row.id);
  await deps.db.imageImport.updateMany({ where: { id: row.id, status: { in: ["downloading", "finishing"] } }, data: { status, message: failure.message } });
}

/**
 * Hands the disk to the upload finish: the import's row marked finishing, an upload record of its size and the
 * image's storage key (which the upload finish would claim in a write of its own) in one transaction, a
 * commit instead of four (docs/benchmarks.md); then the file moved to where uploads finish.
 */
async function finish(deps: ImportDeps, row: ImportRow, result: Transfer): Promise<void> {
  const { imageId } = row;
  if (!imageId) throw new ImportFailure("cancelled", "The image was deleted.");
  const size = await sizeOf(result.disk);
  if (size === 0) throw new ImportFailure("format", "The file holds no bytes.");
  const uploadId = randomBytes(16).toString("hex");
  const handed = await deps.db.$transaction(async (tx) => {
    // The image deleted since the import began leaves no image id on the row (SetNull): no hand-over then either.
    const moved = await tx.imageImport.updateMany({
      where: { id: row.id, status: "downloading", imageId },
      data: { status: "finishing", packing: result.packing.join("+") || null, received: BigInt(result.received) },
    });
    if (moved.count === 0) return false;
    await tx.image.updateMany({ where: { id: imageId, status: "uploading", storageKey: null }, data: { storageKey: newStorageKey() } });
    await tx.upload.create({
      data: { id: uploadId, userId: row.userId, imageId, fileName: row.fileName, length: BigInt(size), offset: BigInt(size) },
    });
    return true;
  });
  if (!handed) throw new ImportFailure("cancelled", "The import was cancelled, or its image deleted.");
  await deps.area.receive(uploadId, result.disk);
  await removeImportFiles(deps, row.id);
  // The download is the disk and its SHA-256 was checked: the upload finish takes it rather than reading the bytes again.
  const sha256 = !result.packing.length && result.digest && parseChecksum(row.checksum ?? "")?.algorithm === "sha256" ? result.digest : null;
  const finished = await finishUpload(deps, uploadId, sha256 ? { sha256 } : undefined);
  if (!finished.ok) throw new ImportFailure("cancelled", finished.error.message);
  await deps.db.imageImport.updateMany({ where: { id: row.id, status: "finishing" }, data: { status: "done" } });
}

function checkDigest(row: ImportRow, digest: string | null): void {
  const expected = row.checksum ? parseChecksum(row.checksum) : null;
  if (!expected || digest === expected.hex) return;
  const name = ALGORITHM_NAMES[expected.algorithm];
  const source = row.checksumUrl ? `${row.checksumUrl} says` : "the checksum given is";
  throw new ImportFailure(
    "checksum",
    `The downloaded file's ${name} is ${digest} but ${source} ${expected.hex}: the file is not the one expected (changed, corrupt, or tampered with), so its bytes were removed.`,
  );
}

/** Waits before the next attempt: 1 s, 2 s, 4 s... up to 30 s. */
const backoff = (attempt: number, signal: AbortSignal) => sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)), undefined, { signal });

/**
 * Runs an import to its end: downloads (resuming with Range after a cut, up to the configured attempts and
 * total time), checks the checksum, and finishes as an upload does. `first`: a response already opened
 * (the request that created the import asked for the file to learn its size).
 */
export function runImport(deps: ImportDeps, id: string, first?: Opened): Promise<void> {
  const known = running.get(id);
  if (known) return known.done;
  const controller = new AbortController();
  const done = attempts(deps, id, controller, first);
  running.set(id, { controller, done });
  return done;
}

async function attempts(deps: ImportDeps, id: string, controller: AbortController, first: Opened | undefined): Promise<void> {
  // Says this node runs the import, bytes flowing or not (a stalled server, a wait before resuming): lib/imports/manage.ts takes up silent ones.
  const heartbeat = setInterval(
    () => void deps.db.imageImport.updateMany({ where: { id, status: "downloading" }, data: { updatedAt: new Date() } }).catch(() => undefined),
    NOTE_EVERY_MS,
  );
  heartbeat.unref();
  const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(deps.imports.totalTimeoutMs)]);
  let opened = first;
  try {
    for (let attempt = 0; ; attempt++) {
      const row = await loadImport(deps, id);
      if (!row || row.status !== "downloading") return;
      try {
        opened ??= await open(deps, row, signal);
        const result = await transfer(deps, row, opened, signal);
        checkDigest(row, result.digest);
        await finish(deps, row, result);
        return;
      } catch (error) {
        opened = undefined;
        const failure = signal.aborted && !(error instanceof ImportFailure && error.kind !== "network") ? abortReason(signal, deps) : asImportFailure(error);
        await deps.db.imageImport.updateMany({ where: { id }, data: { attempts: { increment: 1 } } });
        if (!failure.retry || attempt + 1 >= deps.imports.maxAttempts) {
          await failImport(deps, row, failure);
          return;
        }
        const waited = await backoff(attempt, signal).then(
          () => true,
          () => false,
        );
        if (!waited) {
          await failImport(deps, row, abortReason(signal, deps));
          return;
        }
      }
    }
  } finally {
    clearInterval(heartbeat);
    running.delete(id);
  }
}

function abortReason(signal: AbortSignal, deps: ImportDeps): ImportFailure {
  const reason: unknown = signal.reason;
  if (reason instanceof ImportFailure) return reason;
  return new ImportFailure("timeout", `The import did not end within ${Math.round(deps.imports.totalTimeoutMs / 60_000)} minutes.`);
}
