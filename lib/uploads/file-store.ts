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

const PROGRESS_NOTE_MS = 2000;

/** The image an upload was filling was deleted while its bytes streamed in. */
const imageDeleted = () => new TusRefusal("gone", "The image this upload was filling was deleted, so the upload ended and its bytes were discarded.");

/**
 * @tus/file-store's layout (one file per upload id in the upload directory) with
 * the records in the database, and a write path that hashes the bytes on their
 * way to disk and notes progress, so the last byte needs no second read.
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
    const state = await this.deps.hashes.at(id, filePath, offset);
    let lastNote = Date.now();
    // Written from the stream's callbacks: an object, so the checks below read it as it is then.
    const note: { pending: Promise<void> | null } = { pending: null };
    const hashing = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        // The worker hashing behind: hold this chunk until it catches up.
        const behind = state.update(chunk);
        const now = Date.now();
        if (!note.pending && now - lastNote >= PROGRESS_NOTE_MS) {
          lastNote = now;
          // A long PATCH keeps its upload alive for the cleanup job, and stops if its image was deleted.
          note.pending = noteProgress(this.deps.db, id, state.offset, { force: true }).then((alive) => {
            note.pending = null;
            if (!alive) hashing.destroy(imageDeleted());
          });
        }
        if (behind) void behind.then(() => callback(null, chunk));
        else callback(null, chunk);
      },
    });
    let failure: { error: unknown } | null = null;
    try {
      await pipeline(readable, hashing, fs.createWriteStream(filePath, { flags: "r+", start: offset, highWaterMark: 4 << 20 }));
    } catch (error) {
      failure = { error };
    }
    await note.pending;
    const size = (await fsp.stat(filePath).catch(() => null))?.size ?? 0;
    await this.deps.hashes.settle(state, size);
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
