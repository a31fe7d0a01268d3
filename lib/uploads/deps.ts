import type { CatalogDeps } from "../catalog/deps";
import type { UploadConfig } from "./config";
import type { UploadHashes } from "./hashes";

/** What uploads need: the catalog's database and image store, the tus directory, limits, running hashes. */
export interface UploadDeps extends CatalogDeps {
  /** Where partial uploads live, one file per upload id ($HANGAR_DATA_DIR/uploads). */
  uploadDir: string;
  config: UploadConfig;
  hashes: UploadHashes;
}
