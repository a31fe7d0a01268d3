import fs from "node:fs";
import path from "node:path";
import { uploadLockerFor } from "../cluster/upload-locker";
import { S3ImageStore } from "../storage/s3-store";
import { LocalUploadArea } from "../uploads/area";
import { DEFAULT_UPLOAD_CONFIG, type UploadConfig } from "../uploads/config";
import type { UploadDeps } from "../uploads/deps";
import { UploadHashes } from "../uploads/hashes";
import { S3UploadArea } from "../uploads/s3-area";
import { type CatalogTestEnv, makeCatalogTestEnv } from "./catalog-env";
import type { TestBucket } from "./ceph";

export interface UploadTestEnv extends CatalogTestEnv {
  uploads: UploadDeps;
}

/**
 * The catalog test environment plus an upload directory and the database's upload locks, with limits a test may
 * override; with `s3`, images and uploads in progress in that bucket instead (the production shape of a cluster).
 */
export async function makeUploadTestEnv(config: Partial<UploadConfig> = {}, { s3 }: { s3?: TestBucket } = {}): Promise<UploadTestEnv> {
  const env = await makeCatalogTestEnv();
  const uploadDir = path.join(env.dir, "uploads");
  fs.mkdirSync(uploadDir, { recursive: true });
  const locker = uploadLockerFor(env.databaseUrl);
  const hashes = new UploadHashes();
  // Parts of 5 MiB, S3's least, so that small test files still span several.
  const s3Store = s3 ? new S3ImageStore(s3.config, { partSize: 5 << 20 }, s3.client) : null;
  const store = s3Store ?? env.deps.store;
  const area = s3Store ? new S3UploadArea(s3Store) : new LocalUploadArea(uploadDir, store, hashes);
  return {
    ...env,
    uploads: { ...env.deps, store, uploadDir, config: { ...DEFAULT_UPLOAD_CONFIG, ...config }, hashes, locker, area },
    async close() {
      await locker.close();
      await env.close();
    },
  };
}

/** Another process (or node) on the same database and upload area, with its own running hashes and locks. */
export function otherProcess(env: UploadTestEnv): UploadDeps {
  const { uploads } = env;
  const hashes = new UploadHashes();
  const area = uploads.area instanceof LocalUploadArea ? new LocalUploadArea(uploads.uploadDir, uploads.store, hashes) : uploads.area;
  return { ...uploads, hashes, area };
}
