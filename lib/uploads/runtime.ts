import path from "node:path";
import { catalogDeps } from "../catalog/runtime";
import { dataDir } from "../db/url";
import { uploadConfig } from "./config";
import type { UploadDeps } from "./deps";
import { UploadHashes } from "./hashes";

let hashes: UploadHashes | null = null;

/** The upload side's dependencies in the running portal: $HANGAR_DATA_DIR/uploads and the configured limits. */
export function uploadDeps(): UploadDeps {
  hashes ??= new UploadHashes();
  return { ...catalogDeps(), uploadDir: path.join(dataDir(), "uploads"), config: uploadConfig(), hashes };
}
