import fs from "node:fs";
import fsp from "node:fs/promises";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { checkKey } from "./keys";
import { createS3Client } from "./s3-client";
import type { S3Config } from "./s3-config";
import { openS3Reader, type S3Reader } from "./s3-reader";
import type { ByteRange, ImageStore, StoredSource } from "./store";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** S3's limits: at most 10,000 parts, each (but the last) at least 5 MiB; CopyObject copies up to 5 GiB. */
const MAX_PARTS = 10_000;

export interface S3StoreOptions {
  /** Prefix of every image object ("images/": the bucket may hold other things, such as uploads in progress). */
  prefix?: string;
  /** Part size of a multipart upload, raised when a file would need more than 10,000 parts. */
  partSize?: number;
  /** Largest object copied with one CopyObject (S3 allows 5 GiB); larger ones are copied in parts. */
  singleCopyLimit?: number;
  /** Part size of a multipart copy. */
  copyPartSize?: number;
  /** Parts in flight at once. */
  concurrency?: number;
}

/** The part size for `size` bytes: `preferred`, or larger so that 10,000 parts hold it (whole MiB). */
export function partSizeFor(size: number, preferred: number): number {
  return Math.max(preferred, Math.ceil(size / MAX_PARTS / MiB) * MiB);
}

/** Byte ranges of `size` split into parts of `partSize`: [start, end] inclusive, as S3 ranges are. */
function parts(size: number, partSize: number): ByteRange[] {
  const ranges: ByteRange[] = [];
  for (let start = 0; start < size; start += partSize) ranges.push({ start, end: Math.min(size, start + partSize) - 1 });
  return ranges;
}

/** Runs `task` on every item with at most `limit` in flight; the results in the items' order. */
async function inParallel<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** S3's "no such object" (or upload), whichever way the SDK names it. */
export const isNotFound = (error: unknown) => {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === "NotFound" || name === "NoSuchKey" || $metadata?.httpStatusCode === 404;
};

/** Image bytes as objects of one S3 bucket (Ceph RGW, MinIO, AWS S3): `<prefix><key>`. */
export class S3ImageStore implements ImageStore {
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly singleCopyLimit: number;
  private readonly copyPartSize: number;
  private readonly concurrency: number;
  readonly bucket: string;

  /** On the configured bucket, through `client` (one of the configuration's own unless given). */
  constructor(
    readonly config: S3Config,
    options: S3StoreOptions = {},
    readonly client: S3Client = createS3Client(config),
  ) {
    this.bucket = config.bucket;
    this.prefix = options.prefix ?? "images/";
    this.partSize = options.partSize ?? 64 * MiB;
    this.singleCopyLimit = options.singleCopyLimit ?? 5 * GiB;
    this.copyPartSize = options.copyPartSize ?? 1 * GiB;
    this.concurrency = options.concurrency ?? 4;
  }

  /** The object's key in the bucket. */
  objectKey(key: string): string {
    return this.prefix + checkKey(key);
  }

  /** Uploads the file (a multipart upload above one part), then deletes it: the file moves into the store. */
  async adopt(key: string, sourcePath: string): Promise<void> {
    await this.putFile(this.objectKey(key), sourcePath);
    await fsp.unlink(sourcePath);
  }

  /** Uploads the file to the bucket's object `Key` (any key: the upload area's too), as one PUT or a multipart upload. */
  async putFile(Key: string, sourcePath: string): Promise<void> {
    const { size } = await fsp.stat(sourcePath);
    const partSize = partSizeFor(size, this.partSize);
    if (size <= partSize) {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: fs.createReadStream(sourcePath), ContentLength: size }));
    } else {
      await this.multipart(Key, parts(size, partSize), (range, PartNumber, UploadId) =>
        this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key,
            UploadId,
            PartNumber,
            Body: fs.createReadStream(sourcePath, range),
            ContentLength: range.end - range.start + 1,
          }),
        ),
      );
    }
  }

  /** A server-side copy: CopyObject up to 5 GiB, a multipart copy of ranges above. */
  async copy(fromKey: string, toKey: string): Promise<void> {
    const size = await this.size(fromKey);
    if (size === null) throw new Error(`copy: no object for key ${fromKey}`);
    await this.copyObject(this.objectKey(fromKey), size, this.objectKey(toKey));
  }

  /**
   * Moves the bucket's object `sourceKey` (one outside the image prefix: a completed upload) to image `key`,
   * server-side: a copy, then the source's deletion. Nothing passes through this process.
   */
  async adoptObject(key: string, sourceKey: string, size: number): Promise<void> {
    await this.copyObject(sourceKey, size, this.objectKey(key));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: sourceKey }));
  }

  private async copyObject(sourceKey: string, size: number, Key: string): Promise<void> {
    const source = `${this.bucket}/${sourceKey}`;
    if (size <= this.singleCopyLimit) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key, CopySource: source }));
      return;
    }
    await this.multipart(Key, parts(size, partSizeFor(size, this.copyPartSize)), async (range, PartNumber, UploadId) => {
      const copied = await this.client.send(
        new UploadPartCopyCommand({ Bucket: this.bucket, Key, UploadId, PartNumber, CopySource: source, CopySourceRange: `bytes=${range.start}-${range.end}` }),
      );
      return { ETag: copied.CopyPartResult?.ETag };
    });
  }

  /** A multipart upload of `ranges`, each sent by `send`; aborted (no parts left behind) if any fails. */
  private async multipart(
    Key: string,
    ranges: ByteRange[],
    send: (range: ByteRange, partNumber: number, uploadId: string) => Promise<{ ETag?: string }>,
  ): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key }));
    if (!UploadId) throw new Error(`S3 gave no upload id for ${Key}`);
    try {
      const etags = await inParallel(ranges, this.concurrency, async (range, index) => (await send(range, index + 1, UploadId)).ETag);
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key,
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
        }),
      );
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return head.ContentLength ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** A stream of the object or of one range; the GET is aborted when the stream is destroyed before its end. */
  openRead(key: string, range?: ByteRange): Readable {
    const out = new PassThrough();
    const abort = new AbortController();
    out.once("close", () => abort.abort());
    const Range = range ? `bytes=${range.start}-${range.end}` : undefined;
    this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Range }), { abortSignal: abort.signal })
      .then((object) => pipeline(object.Body as Readable, out))
      .catch((error: unknown) => out.destroy(error as Error));
    return out;
  }

  /** The object and the settings to reach it: a worker thread opens its own client. */
  source(key: string): StoredSource {
    return { kind: "s3", config: this.config, objectKey: this.objectKey(key) };
  }

  openReader(key: string): Promise<S3Reader> {
    return openS3Reader(this.client, this.bucket, this.objectKey(key));
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async remove(key: string): Promise<void> {
    // Deleting a missing key succeeds in S3.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }
}
