import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FileStore } from "@tus/file-store";
import type { Upload } from "@tus/server";
import { isFinished } from "./access";
import type { UploadDeps } from "./deps";
import { TusRefusal } from "./error-answers";
import { noteProgress } from "./progress";
import { tusUpload, UploadRecords } from "./records";
import { uploadBytesReceived } from "../metrics/metrics";

const PROGRESS_NOTE_MS = 2000;
/** How far the writes run ahead before they tell the hashing worker: a message per 8 MiB costs nothing. */
const HASH_REPORT_BYTES = 8 << 20;

/** The image an upload was filling was deleted while its bytes streamed in. */
const imageDeleted = () => new TusRefusal("gone", "The image this upload was filling was deleted, so the upload ended and its bytes were discarded.");

/**
 * @tus/file-store's layout (one file per upload id in the upload directory) with
 * the records in the database, and a write path that notes progress and tells
 * the running hash (lib/uploads/hashes.ts) how far the file is written.
 */
export class UploadStore extends FileStore {
  private readonly records: UploadRecords;

  constructor(private readonly deps: UploadDeps) {
    const records = new UploadRecords(deps.db);
    super({ directory: deps.uploadDir, configstore: records });
    this.records = records;
    // No deferred length: size, quota and disk room are checked before the first byte.
    // Expiry is Hangar's own (since the last byte, by the cleanup job), not the store's (since creation).
    this.extensions = ["creation", "creation-with-upload", "termination", "expiration"];
  }

  /** A finished upload is complete, its bytes moved into image storage: no partial file to measure. */
  override async getUpload(id: string): Promise<Upload> {
    const row = await this.records.record(id);
    if (row && isFinished(row)) return tusUpload(row);
    try {
      return await super.getUpload(id);
    } catch (error) {
      // A finish (the cleanup job's, after a restart) moved the file between the two reads.
      const now = await this.records.record(id, { fresh: true });
      if (now && isFinished(now)) return tusUpload(now);
      throw error;
    }
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const filePath = path.join(this.directory, id);
    const file = fs.createWriteStream(filePath, { flags: "r+", start: offset, highWaterMark: 4 << 20 });
    let lastNote = Date.now();
    let reported = 0;
    // Written from the stream's callbacks: an object, so the checks below read it as it is then.
    const note: { pending: Promise<void> | null } = { pending: null };
    const watching = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        uploadBytesReceived.inc(chunk.length);
        // Only bytes already written may be hashed: the worker reads them back from the file.
        if (file.bytesWritten - reported >= HASH_REPORT_BYTES) {
          reported = file.bytesWritten;
          this.deps.hashes.grow(id, filePath, offset + reported);
        }
        const now = Date.now();
        if (!note.pending && now - lastNote >= PROGRESS_NOTE_MS) {
          lastNote = now;
          // A long PATCH keeps its upload alive for the cleanup job, and stops if its image was deleted.
          note.pending = noteProgress(this.deps.db, id, offset + file.bytesWritten, { force: true }).then((alive) => {
            note.pending = null;
            if (!alive) watching.destroy(imageDeleted());
          });
        }
        callback(null, chunk);
      },
    });
    let failure: { error: unknown } | null = null;
    try {
      await pipeline(readable, watching, file);
    } catch (error) {
      failure = { error };
    }
    await note.pending;
    const size = (await fsp.stat(filePath).catch(() => null))?.size ?? 0;
    this.deps.hashes.grow(id, filePath, size);
    if (!(await noteProgress(this.deps.db, id, size))) {
      this.deps.hashes.forget(id);
      await fsp.rm(filePath, { force: true });
      throw imageDeleted();
    }
    if ((failure?.error as NodeJS.ErrnoException | undefined)?.code === "ENOSPC")
      throw new TusRefusal(
        "insufficient_storage",
        "The server ran out of disk space while receiving this upload. Ask an administrator to free space, then resume.",
      );
    // tus's own errors (a body longer than the upload) carry their status; others are logged as internal.
    if (failure) throw failure.error;
    return size;
  }
}
