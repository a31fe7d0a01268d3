import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { Upload } from "@tus/server";
import { uploadLockerFor } from "../cluster/upload-locker";
import { LocalUploadArea } from "../uploads/area";
import { DEFAULT_UPLOAD_CONFIG, type UploadConfig } from "../uploads/config";
import type { UploadDeps } from "../uploads/deps";
import { UploadHashes } from "../uploads/hashes";
import { uploadAreaFor } from "../uploads/runtime";
import { type CatalogTestEnv, makeCatalogTestEnv } from "./catalog-env";
import type { TestBucket } from "./ceph";

export interface UploadTestEnv extends CatalogTestEnv {
  uploads: UploadDeps;
  /** Makes room for upload `id` of `length` bytes in the upload area, as tus's POST does once createUpload recorded it. */
  open(id: string, length: number): Promise<void>;
  /** Writes `bytes` at `offset` through the datastore the tus server uses, as one PATCH would; returns the new offset. */
  patch(id: string, bytes: Readable | Buffer, offset: number): Promise<number>;
}

/**
 * The catalog test environment plus an upload directory and the database's upload locks, with limits a test may
 * override. Images and uploads in progress are in `s3` when given, or in the run's storage (lib/testing/test-storage.ts):
 * on S3, the production shape of a cluster.
 */
export async function makeUploadTestEnv(config: Partial<UploadConfig> = {}, { s3 }: { s3?: TestBucket } = {}): Promise<UploadTestEnv> {
  const env = await makeCatalogTestEnv({ s3 });
  const uploadDir = path.join(env.dir, "uploads");
  fs.mkdirSync(uploadDir, { recursive: true });
  const locker = uploadLockerFor(env.databaseUrl);
  const hashes = new UploadHashes();
  const area = uploadAreaFor(env.deps.store, uploadDir, hashes);
  const uploads: UploadDeps = { ...env.deps, uploadDir, config: { ...DEFAULT_UPLOAD_CONFIG, ...config }, hashes, locker, area };
  // Made on first use: a local area's datastore (@tus/file-store) creates its directory in a callback that throws,
  // which an environment closed (its directory removed) meanwhile turns into an uncaught exception.
  let datastore: ReturnType<typeof area.datastore> | null = null;
  const tus = () => (datastore ??= area.datastore(uploads));
  return {
    ...env,
    uploads,
    async open(id, length) {
      await tus().create(new Upload({ id, size: length, offset: 0 }));
    },
    patch: (id, bytes, offset) => tus().write(Buffer.isBuffer(bytes) ? Readable.from([bytes]) : bytes, id, offset),
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
