import fs from "node:fs";
import path from "node:path";
import { DEFAULT_UPLOAD_CONFIG, type UploadConfig } from "../uploads/config";
import type { UploadDeps } from "../uploads/deps";
import { UploadHashes } from "../uploads/hashes";
import { uploadLockerFor } from "../cluster/upload-locker";
import { type CatalogTestEnv, makeCatalogTestEnv } from "./catalog-env";

export interface UploadTestEnv extends CatalogTestEnv {
  uploads: UploadDeps;
}

/** The catalog test environment plus an upload directory and the database's upload locks, with limits a test may override. */
export async function makeUploadTestEnv(config: Partial<UploadConfig> = {}): Promise<UploadTestEnv> {
  const env = await makeCatalogTestEnv();
  const uploadDir = path.join(env.dir, "uploads");
  fs.mkdirSync(uploadDir, { recursive: true });
  const locker = uploadLockerFor(env.databaseUrl);
  return {
    ...env,
    uploads: { ...env.deps, uploadDir, config: { ...DEFAULT_UPLOAD_CONFIG, ...config }, hashes: new UploadHashes(), locker },
    async close() {
      await locker.close();
      await env.close();
    },
  };
}
