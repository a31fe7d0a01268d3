import path from "node:path";
import { dataDir } from "../db/url";
import { LocalImageStore } from "./local-store";
import { s3Config, s3Selected } from "./s3-config";
import { S3ImageStore } from "./s3-store";
import type { ImageStore } from "./store";

export type { ByteRange, ImageStore, StoredSource, StoreReader } from "./store";

let store: ImageStore | null = null;

/**
 * The configured store: the S3 bucket when any HANGAR_S3_* variable is set (README, "Production deployment"; a
 * missing or malformed one stops the server with its message), else files under $HANGAR_DATA_DIR/images.
 */
export function imageStore(): ImageStore {
  store ??= s3Selected() ? new S3ImageStore(s3Config()) : new LocalImageStore(path.join(dataDir(), "images"));
  return store;
}
