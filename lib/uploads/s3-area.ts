import fsp from "node:fs/promises";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type ListMultipartUploadsCommandOutput,
  ListPartsCommand,
  type Part,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { DataStore } from "@tus/server";
import { hashStream } from "../storage/hash-file";
import { s3ClientConfig } from "../storage/s3-client";
import type { S3ImageStore } from "../storage/s3-store";
import { UPLOAD_ID } from "./access";
import type { UploadArea, UploadDeps } from "./deps";
import { S3UploadStore } from "./s3-upload-store";

/** What @tus/s3-store keeps of upload `id` beside its multipart upload: the completed object, its info, a short tail. */
const objectsOf = (id: string) => [id, `${id}.info`, `${id}.part`];

/** The upload id an object or multipart upload of the upload area belongs to, or null for anything else in the bucket. */
const uploadIdOf = (key: string): string | null => {
  const id = key.replace(/\.(info|part)$/, "");
  return UPLOAD_ID.test(id) ? id : null;
};

const isNotFound = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
/** A multipart upload completed or aborted meanwhile. */
export const isNoSuchUpload = (error: unknown) => (error as { name?: string }).name === "NoSuchUpload" || isNotFound(error);

/** The parts of a multipart upload so far. */
export async function uploadParts(client: S3Client, Bucket: string, Key: string, UploadId: string | undefined): Promise<Part[]> {
  const parts: Part[] = [];
  for (let PartNumberMarker: string | undefined, more = true; more;) {
    const page = await client.send(new ListPartsCommand({ Bucket, Key, UploadId, PartNumberMarker }));
    parts.push(...(page.Parts ?? []));
    PartNumberMarker = page.NextPartNumberMarker;
    more = page.IsTruncated === true;
  }
  return parts;
}

/**
 * Uploads in progress in the image store's S3 bucket (docs/decisions.md, "Uploads on S3"), where every node reaches
 * them: @tus/s3-store's layout, one multipart upload per upload id at the bucket's top level (image objects are under
 * "images/"), with its `<id>.info` object and, between PATCHes, a `<id>.part` object for a tail shorter than a part.
 * The finish completes the multipart upload, then moves the object to the image's key server-side (CopyObject, or
 * UploadPartCopy above 5 GiB). The SHA-256 is read back from the stored image once, by the node that finishes: a
 * multipart upload cannot be read before it completes, and Node's hash state cannot be handed to another node.
 */
export class S3UploadArea implements UploadArea {
  constructor(readonly images: S3ImageStore) {}

  private get client() {
    return this.images.client;
  }

  private get bucket() {
    return this.images.bucket;
  }

  datastore(deps: UploadDeps): DataStore {
    return new S3UploadStore(deps, this, { ...s3ClientConfig(this.images.config), bucket: this.bucket });
  }

  async completeSize(id: string, length: number): Promise<number | null> {
    return (await this.objectSize(id)) ?? (await this.completeLeftParts(id, length));
  }

  private async objectSize(Key: string): Promise<number | null> {
    return (await this.head(Key))?.ContentLength ?? null;
  }

  private async head(Key: string): Promise<HeadObjectCommandOutput | null> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * A node that dies between an upload's last part and its CompleteMultipartUpload leaves all `length` bytes in parts
   * that nothing would complete: HEAD answers the parts' sum, the whole length, so the client sends no more, and no
   * PATCH finishes it. Completed here as that PATCH would have, for the finish after a restart (finishCompleteUploads,
   * which holds the upload's lock: a live PATCH would complete it itself). The multipart upload's id is the one
   * @tus/s3-store keeps in the upload's info object: no listing of the bucket's multipart uploads.
   */
  private async completeLeftParts(id: string, length: number): Promise<number | null> {
    const UploadId = (await this.head(`${id}.info`))?.Metadata?.["upload-id"];
    if (!UploadId) return null;
    let parts: Part[];
    try {
      parts = await uploadParts(this.client, this.bucket, id, UploadId);
    } catch (error) {
      // Completed or aborted meanwhile.
      if (isNoSuchUpload(error)) return this.objectSize(id);
      throw error;
    }
    if (parts.length === 0 || parts.reduce((sum, part) => sum + (part.Size ?? 0), 0) !== length) return null;
    try {
      const Parts = parts.map(({ ETag, PartNumber }) => ({ ETag, PartNumber }));
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: id, UploadId, MultipartUpload: { Parts } }));
    } catch (error) {
      // Another finish completed it first.
      if (!isNoSuchUpload(error)) throw error;
    }
    return this.objectSize(id);
  }

  async moveInto(id: string, key: string, length: number, known?: string) {
    await this.images.adoptObject(key, id, length);
    await this.deleteObjects([`${id}.info`, `${id}.part`]);
    const digest = known !== undefined ? Promise.resolve(known) : hashStream(this.images.openRead(key));
    // Whoever takes the digest handles its failure (validation then reads no checksum); unclaimed, it must not surface.
    digest.catch(() => undefined);
    return { digest };
  }

  async receive(id: string, filePath: string): Promise<void> {
    await this.images.putFile(id, filePath);
    await fsp.rm(filePath, { force: true });
  }

  async discard(id: string): Promise<void> {
    for (const upload of (await this.multipartUploads(id)).filter((upload) => upload.Key === id)) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: id, UploadId: upload.UploadId }));
    }
    await this.deleteObjects(objectsOf(id));
  }

  async leftovers(): Promise<string[]> {
    const ids = new Set<string>();
    for (const upload of await this.multipartUploads()) {
      const id = uploadIdOf(upload.Key ?? "");
      if (id) ids.add(id);
    }
    // Only the top level: images live under their prefix.
    for (let token: string | undefined, more = true; more;) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Delimiter: "/", ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const id = uploadIdOf(object.Key ?? "");
        if (id) ids.add(id);
      }
      token = page.NextContinuationToken;
      more = page.IsTruncated === true;
    }
    return [...ids];
  }

  freeSpace(): Promise<null> {
    return Promise.resolve(null);
  }

  private async multipartUploads(prefix?: string): Promise<NonNullable<ListMultipartUploadsCommandOutput["Uploads"]>> {
    const uploads: NonNullable<ListMultipartUploadsCommandOutput["Uploads"]> = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (let more = true; more;) {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker, UploadIdMarker }));
      uploads.push(...(page.Uploads ?? []));
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
      more = page.IsTruncated === true;
    }
    return uploads;
  }

  private async deleteObjects(keys: string[]): Promise<void> {
    await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
  }
}
