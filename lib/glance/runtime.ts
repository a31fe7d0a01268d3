import path from "node:path";
import { dataDir } from "../db/url";
import { publicUrl } from "../http/public-url";
import type { ImportDeps } from "../imports/deps";
import type { GlanceDeps } from "./deps";

/** The Glance API's dependencies in the running server, from the import side's: $HANGAR_DATA_DIR/glance for data in flight. */
export function glanceDeps(imports: ImportDeps): GlanceDeps {
  return { ...imports, stagingDir: path.join(dataDir(), "glance"), portal: publicUrl() };
}
