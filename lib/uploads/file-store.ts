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

/**
 * The hashing worker is told each time an upload's file grows past another multiple of 8 MiB: a message per 8 MiB costs
 * nothing, where one per PATCH cost a small PATCH a message, and the worker an open, a read and a close of the file (about
 * a sixth of a 4 KiB PATCH's CPU: docs/decisions.md, "The fixed cost of one PATCH: the hash told per 8 MiB"). What is
 * below the next multiple is hashed when the finish asks for the digest, which takes the worker to the upload's length.
 */
const HASH_REPORT_BYTES = 8 << 20;

/** Whether the file growing from `from` to `to` bytes passed a multiple of HASH_REPORT_BYTES. */
const passesReport = (from: number, to: number) => Math.floor(to / HASH_REPORT_BYTES) > Math.floor(from / HASH_REPORT_BYTES);

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
    let reported = offset;
    const report = (size: number) => {
      if (!passesReport(reported, size)) return;
      reported = size;
      this.deps.hashes.grow(id, filePath, size);
    };
    // Only bytes already written may be hashed: the worker reads them back from the file.
    const watching = receiving(
      this.deps,
      id,
      offset,
      () => file.bytesWritten,
      () => report(offset + file.bytesWritten),
    );
    let failure: { error: unknown } | null = null;
    try {
      await pipeline(readable, watching.stream, file);
    } catch (error) {
      failure = { error };
    }
    await watching.settled();
    // The file was `offset` bytes long (tus measured it, under the upload's lock): a complete write made it this long.
    // A failed one may have written part of a chunk, which only the file tells.
    const size = failure ? ((await fsp.stat(filePath).catch(() => null))?.size ?? 0) : offset + file.bytesWritten;
    report(size);
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
