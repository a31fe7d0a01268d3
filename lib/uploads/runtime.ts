import path from "node:path";
import { catalogDeps } from "../catalog/runtime";
import { type UploadLocker, uploadLockerFor } from "../cluster/upload-locker";
import { databaseUrl, dataDir } from "../db/url";
import type { ImageStore } from "../storage";
import { S3ImageStore } from "../storage/s3-store";
import { LocalUploadArea } from "./area";
import { uploadConfig } from "./config";
import type { UploadArea, UploadDeps } from "./deps";
import { UploadHashes } from "./hashes";
import { S3UploadArea } from "./s3-area";

let hashes: UploadHashes | null = null;
let locker: UploadLocker | null = null;
let area: UploadArea | null = null;

/** Uploads in progress live beside the images: in their S3 bucket, or in a directory when the images are on disk. */
export function uploadAreaFor(store: ImageStore, dir: string, running: UploadHashes): UploadArea {
  return store instanceof S3ImageStore ? new S3UploadArea(store) : new LocalUploadArea(dir, store, running);
}

/**
 * The upload side's dependencies in the running portal: $HANGAR_DATA_DIR/uploads (or the image store's bucket), the
 * configured limits, the upload locks of the database.
 */
export function uploadDeps(): UploadDeps {
  const catalog = catalogDeps();
  const uploadDir = path.join(dataDir(), "uploads");
  hashes ??= new UploadHashes();
  locker ??= uploadLockerFor(databaseUrl());
  area ??= uploadAreaFor(catalog.store, uploadDir, hashes);
  return { ...catalog, uploadDir, config: uploadConfig(), hashes, locker, area };
}
