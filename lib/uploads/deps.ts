import type { CatalogDeps } from "../catalog/deps";
import type { UploadArea } from "./area";
import type { UploadConfig } from "./config";
import type { UploadHashes } from "./hashes";
import type { UploadLocker } from "../cluster/upload-locker";

/** What uploads need: the catalog's database and image store, the tus directory, limits, running hashes, locks. */
export interface UploadDeps extends CatalogDeps {
  /** Where partial uploads live, one file per upload id ($HANGAR_DATA_DIR/uploads). */
  uploadDir: string;
  /** Where the bytes of uploads in progress live: uploadDir, or the S3 bucket. */
  area: UploadArea;
  config: UploadConfig;
  hashes: UploadHashes;
  /** Which request may write each upload: across the nodes on PostgreSQL, in this process on SQLite. */
  locker: UploadLocker;
}
