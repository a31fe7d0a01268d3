import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FileStore } from "@tus/file-store";
import { ERRORS } from "@tus/server";
import type { UploadDeps } from "./deps";
import { noteProgress } from "./progress";
import { UploadRecords } from "./records";

const PROGRESS_NOTE_MS = 2000;

class UploadGone extends Error {}

/**
 * @tus/file-store's layout (one file per upload id in the upload directory) with
 * the records in the database, and a write path that hashes the bytes on their
 * way to disk and notes progress, so the last byte needs no second read.
 */
export class UploadStore extends FileStore {
  constructor(private readonly deps: UploadDeps) {
    super({ directory: deps.uploadDir, configstore: new UploadRecords(deps.db) });
    // No deferred length: size, quota and disk room are checked before the first byte.
    // Expiry is Hangar's own (since the last byte, by the cleanup job), not the store's (since creation).
    this.extensions = ["creation", "creation-with-upload", "termination", "expiration"];
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const filePath = path.join(this.directory, id);
    const state = await this.deps.hashes.at(id, filePath, offset);
    let lastNote = Date.now();
    let noting: Promise<void> | null = null;
    const hashing = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        // The worker hashing behind: hold this chunk until it catches up.
        const behind = state.update(chunk);
        const now = Date.now();
        if (!noting && now - lastNote >= PROGRESS_NOTE_MS) {
          lastNote = now;
          // A long PATCH keeps its upload alive for the cleanup job, and stops if its image was deleted.
          noting = noteProgress(this.deps.db, id, state.offset, { force: true }).then((alive) => {
            noting = null;
            if (!alive) hashing.destroy(new UploadGone());
          });
        }
        if (behind) void behind.then(() => callback(null, chunk));
        else callback(null, chunk);
      },
    });
    let failure: unknown = null;
    try {
      await pipeline(readable, hashing, fs.createWriteStream(filePath, { flags: "r+", start: offset, highWaterMark: 4 << 20 }));
    } catch (error) {
      failure = error;
    }
    await noting;
    const size = (await fsp.stat(filePath).catch(() => null))?.size ?? 0;
    await this.deps.hashes.settle(state, size);
    if (failure instanceof UploadGone || !(await noteProgress(this.deps.db, id, size))) {
      this.deps.hashes.forget(id);
      await fsp.rm(filePath, { force: true });
      throw ERRORS.FILE_NOT_FOUND;
    }
    if (failure) {
      // tus's own errors (a body longer than the upload) carry their status.
      if (typeof failure === "object" && "status_code" in failure) throw failure;
      if ((failure as NodeJS.ErrnoException).code === "ENOSPC")
        throw { status_code: 507, body: "The server ran out of disk space while receiving this upload. Ask an administrator to free space, then resume.\n" };
      throw ERRORS.FILE_WRITE_ERROR;
    }
    return size;
  }
}
