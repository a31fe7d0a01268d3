import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { LocalImageStore } from "../storage/local-store";
import { S3ImageStore } from "../storage/s3-store";
import type { ImageStore } from "../storage/store";
import type { UploadArea } from "../uploads/deps";
import { UploadHashes } from "../uploads/hashes";
import { uploadAreaFor } from "../uploads/runtime";
import type { TestBucket } from "./ceph";
import { stagedInBucket } from "./s3-staged";

/**
 * A test's view of where a production server started by the test (hangar-process.ts) keeps its bytes: files under its
 * data directory, or a bucket of the run's RGW. The suites ask it what they would otherwise look for on disk, and so
 * run unchanged on both shapes.
 */
export interface ServerStorage {
  /** The bucket on S3; null for the data directory. */
  bucket: TestBucket | null;
  /** The server's image store, as the server makes it (lib/storage/index.ts: "images/" of the bucket, or `<dataDir>/images`). */
  images: ImageStore;
  /** The ids of the uploads the server's upload area holds anything of (UploadArea.leftovers). */
  uploads(): Promise<string[]>;
  /** The bytes of upload `id` the area holds so far; null once it holds nothing of it. */
  stagedSize(id: string): Promise<number | null>;
  /** A value that changes whenever those bytes do (the file's SHA-256; on S3 its parts' and tail's ETags); null as stagedSize. */
  stagedFingerprint(id: string): Promise<string | null>;
  /** The name of everything the server stored: files under its data directory, and on S3 its bucket's objects and multipart uploads. */
  names(): Promise<string[]>;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The storage of the server whose data directory is `dataDir`, configured with `bucket`'s variables when there is one. */
export function serverStorage(dataDir: string, bucket: TestBucket | null): ServerStorage {
  const hashes = new UploadHashes();
  if (bucket) {
    const images = new S3ImageStore(bucket.config, {}, bucket.client);
    const area: UploadArea = uploadAreaFor(images, "", hashes);
    const staged = (id: string) => stagedInBucket(bucket.client, bucket.config.bucket, id);
    return {
      bucket,
      images,
      uploads: () => area.leftovers(),
      stagedSize: async (id) => (await staged(id))?.size ?? null,
      stagedFingerprint: async (id) => (await staged(id))?.fingerprint ?? null,
      async names() {
        const { objects, uploads } = await bucket.contents();
        return [...filesUnder(dataDir), ...objects, ...uploads];
      },
    };
  }
  const images = new LocalImageStore(path.join(dataDir, "images"));
  const uploadDir = path.join(dataDir, "uploads");
  const area = uploadAreaFor(images, uploadDir, hashes);
  const file = (id: string) => path.join(uploadDir, id);
  return {
    bucket,
    images,
    uploads: () => area.leftovers(),
    stagedSize: async (id) => (await fsp.stat(file(id)).catch(() => null))?.size ?? null,
    async stagedFingerprint(id) {
      const bytes = await fsp.readFile(file(id)).catch(() => null);
      return bytes && createHash("sha256").update(bytes).digest("hex");
    },
    names: () => Promise.resolve(filesUnder(dataDir)),
  };
}
