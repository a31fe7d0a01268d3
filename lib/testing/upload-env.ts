import fs from "node:fs";
import path from "node:path";
import { DEFAULT_UPLOAD_CONFIG, type UploadConfig } from "../uploads/config";
import type { UploadDeps } from "../uploads/deps";
import { UploadHashes } from "../uploads/hashes";
import { type CatalogTestEnv, makeCatalogTestEnv } from "./catalog-env";

export interface UploadTestEnv extends CatalogTestEnv {
  uploads: UploadDeps;
}

/** The catalog test environment plus an upload directory, with limits a test may override. */
export async function makeUploadTestEnv(config: Partial<UploadConfig> = {}): Promise<UploadTestEnv> {
  const env = await makeCatalogTestEnv();
  const uploadDir = path.join(env.dir, "uploads");
  fs.mkdirSync(uploadDir, { recursive: true });
  return { ...env, uploads: { ...env.deps, uploadDir, config: { ...DEFAULT_UPLOAD_CONFIG, ...config }, hashes: new UploadHashes() } };
}
