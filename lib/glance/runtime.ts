import path from "node:path";
import { dataDir } from "../db/url";
import { publicUrl } from "../http/public-url";
import type { UploadDeps } from "../uploads/deps";
import type { GlanceDeps } from "./deps";

/** The Glance API's dependencies in the running server, from the upload side's: $HANGAR_DATA_DIR/glance for data in flight. */
export function glanceDeps(uploads: UploadDeps): GlanceDeps {
  return { ...uploads, stagingDir: path.join(dataDir(), "glance"), portal: publicUrl() };
}
