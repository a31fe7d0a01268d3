import path from "node:path";
import { catalogDeps } from "../catalog/runtime";
import { dataDir } from "../db/url";
import { uploadConfig } from "./config";
import type { UploadDeps } from "./deps";
import { UploadHashes } from "./hashes";

const holder = globalThis as unknown as { hangarUploadHashes?: UploadHashes };

/** The upload side's dependencies in the running portal: $HANGAR_DATA_DIR/uploads and the configured limits. */
export function uploadDeps(): UploadDeps {
  holder.hangarUploadHashes ??= new UploadHashes();
  return { ...catalogDeps(), uploadDir: path.join(dataDir(), "uploads"), config: uploadConfig(), hashes: holder.hangarUploadHashes };
}
