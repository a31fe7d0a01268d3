import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FileStore } from "@tus/file-store";
import type { Upload } from "@tus/server";
import type { UploadDeps } from "./deps";
import { TusRefusal } from "./error-answers";
import { noteProgress } from "./progress";
import { imageDeleted, receiving } from "./receiving";
import { measuredUpload, UploadRecords } from "./records";

/** How far the writes run ahead before they tell the hashing worker: a message per 8 MiB costs nothing. */
const HASH_REPORT_BYTES = 8 << 20;

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
  override getUpload(id: string): Promise<Upload> {
    return measuredUpload(this.records, id, () => super.getUpload(id));
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const filePath = path.join(this.directory, id);
    const file = fs.createWriteStream(filePath, { flags: "r+", start: offset, highWaterMark: 4 << 20 });
    let reported = 0;
    const watching = receiving(
      this.deps,
      id,
      offset,
      () => file.bytesWritten,
      () => {
        // Only bytes already written may be hashed: the worker reads them back from the file.
        if (file.bytesWritten - reported < HASH_REPORT_BYTES) return;
        reported = file.bytesWritten;
        this.deps.hashes.grow(id, filePath, offset + reported);
      },
    );
    let failure: { error: unknown } | null = null;
    try {
      await pipeline(readable, watching.stream, file);
    } catch (error) {
      failure = { error };
    }
    await watching.settled();
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
