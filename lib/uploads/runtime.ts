import path from "node:path";
import { catalogDeps } from "../catalog/runtime";
import { databaseUrl, dataDir } from "../db/url";
import { uploadConfig } from "./config";
import type { UploadDeps } from "./deps";
import { UploadHashes } from "./hashes";
import { type UploadLocker, uploadLockerFor } from "../cluster/upload-locker";

let hashes: UploadHashes | null = null;
let locker: UploadLocker | null = null;

/** The upload side's dependencies in the running portal: $HANGAR_DATA_DIR/uploads, the configured limits, the upload locks of the database. */
export function uploadDeps(): UploadDeps {
  hashes ??= new UploadHashes();
  locker ??= uploadLockerFor(databaseUrl());
  return { ...catalogDeps(), uploadDir: path.join(dataDir(), "uploads"), config: uploadConfig(), hashes, locker };
}
