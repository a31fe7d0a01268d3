import { Readable } from "node:stream";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { type MetadataValue, S3Store } from "@tus/s3-store";
import { ERRORS, type Upload } from "@tus/server";
import { isNotFound } from "../storage/s3-store";
import type { UploadArea, UploadDeps } from "./deps";
import { noteProgress } from "./progress";
import { imageDeleted, receiving } from "./receiving";
import { measuredUpload, UploadRecords } from "./records";
import { PartBuffers, sendInParts } from "./s3-parts";

const MiB = 1024 * 1024;

/**
 * Each PATCH's bytes go to S3 in parts of 16 MiB (S3's minimum is 5 MiB but for the last; 16 MiB measured well on
 * RGW: /work/shared/notes/scale-out.md), held in memory while they fill and are sent (s3-parts.ts); a tail shorter
 * than the minimum waits as a `<id>.part` object for the next PATCH, on whichever node it lands.
 */
const PART_SIZE = 16 * MiB;

/**
 * Parts in memory at once on a node, over all its uploads: the node's memory for upload bytes is this many parts,
 * 128 MiB, kept once used. A PATCH that finds them all taken waits (its client's bytes wait in the socket). Four
 * at once already keep RGW busy for one upload (the SDK's own default for a multipart upload is four).
 */
const PARTS_IN_MEMORY = 8;

/**
 * @tus/s3-store with Hangar's records and hooks (the S3 twin of file-store.ts): a finished upload's state from its
 * record, progress noted as bytes stream, an upload whose image was deleted meanwhile discarded. No object tags (RGW
 * and MinIO need not support them, and expiry is Hangar's own job, not a bucket lifecycle rule), and no metadata
 * cache between requests: the next PATCH may be another node's, so every request reads the upload's state from S3.
 */
export class S3UploadStore extends S3Store {
  private readonly records: UploadRecords;
  private readonly buffers = new PartBuffers(PART_SIZE, PARTS_IN_MEMORY);

  constructor(
    private readonly deps: UploadDeps,
    private readonly area: UploadArea,
    s3ClientConfig: S3ClientConfig & { bucket: string },
  ) {
    super({ partSize: PART_SIZE, useTags: false, s3ClientConfig, cache: noCache });
    this.records = new UploadRecords(deps.db);
    // As the file store: no deferred length; expiry is Hangar's own, since the last byte.
    this.extensions = ["creation", "creation-with-upload", "termination", "expiration"];
  }

  override getUpload(id: string): Promise<Upload> {
    return measuredUpload(this.records, id, () => this.readUpload(id));
  }

  /**
   * @tus/s3-store answers any failure to read the upload's `.info` object with 404, a gateway that is away included,
   * and a client told 404 gives up an upload whose bytes are safe. The cause is read again: an outage is thrown as
   * what it is (503, lib/http/engine-outage.ts), a missing object stays 404.
   */
  private async readUpload(id: string): Promise<Upload> {
    try {
      return await super.getUpload(id);
    } catch (error) {
      if (error !== ERRORS.FILE_NOT_FOUND) throw error;
      try {
        await this.getMetadata(id);
      } catch (cause) {
        throw isNotFound(cause) ? error : cause;
      }
      return super.getUpload(id);
    }
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    let received = 0;
    const watching = receiving(
      this.deps,
      id,
      offset,
      () => received,
      (length) => (received += length),
    );
    // tus ends the source on a lock release or a client gone; an error of the source ends the parts too.
    readable.once("error", (error) => watching.stream.destroy(error));
    let result: { offset: number } | { error: unknown };
    try {
      result = { offset: await super.write(readable.pipe(watching.stream), id, offset) };
    } catch (error) {
      result = { error };
    }
    await watching.settled();
    const stored = "offset" in result ? result.offset : (await super.getUpload(id).catch(() => null))?.offset;
    if (stored !== undefined && !(await noteProgress(this.deps.db, id, stored))) {
      await this.area.discard(id);
      throw imageDeleted();
    }
    if ("error" in result) throw result.error;
    return result.offset;
  }

  /** The parts of one PATCH, from memory rather than through @tus/s3-store's temporary files: numbered and sent as it would. */
  protected override uploadParts(metadata: MetadataValue, source: Readable, firstPart: number, offset: number): Promise<number> {
    const { id, size } = metadata.file;
    const partSize = Math.max(PART_SIZE, this.calcOptimalPartSize(size));
    let partNumber = firstPart;
    let end = offset;
    return sendInParts(source, {
      acquire: () => this.buffers.acquire(partSize),
      send: async (part) => {
        const PartNumber = partNumber++;
        end += part.length;
        // A stream with its length, not the buffer: for a buffer the SDK would hash the whole part to sign it.
        const upload = { Bucket: this.bucket, Body: Readable.from([part]), ContentLength: part.length };
        if (part.length >= this.minPartSize || end === size) await this.client.uploadPart({ ...upload, Key: id, UploadId: metadata["upload-id"], PartNumber });
        // Too short for a part and not the upload's end: kept for the next PATCH, whichever node it lands on.
        else await this.client.putObject({ ...upload, Key: this.partKey(id, true) });
      },
    });
  }

  /** Termination: the image being filled goes (records.ts), and with it what S3 holds of its upload; not once a finish claimed the bytes. */
  override async remove(id: string): Promise<void> {
    await this.records.delete(id);
    if ((await this.deps.db.upload.count({ where: { id } })) === 0) await this.area.discard(id);
  }

  override deleteExpired(): Promise<number> {
    // Hangar's cleanup job expires uploads (lib/uploads/expiry.ts).
    return Promise.resolve(0);
  }
}

/** @tus/s3-store caches each upload's info object per process: on several nodes one node's copy may be stale. */
const noCache = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
  delete: () => Promise.resolve(),
  list: () => Promise.resolve([]),
};
