import type { UploadDeps } from "../uploads/deps";
import type { ImportConfig } from "./config";

/** What imports need: the upload side (its directory, limits and finish), where downloads land, and the import rules. */
export interface ImportDeps extends UploadDeps {
  /** Where imports download and unpack ($HANGAR_DATA_DIR/imports): <id>.download, <id>.disk. */
  downloadDir: string;
  imports: ImportConfig;
}
