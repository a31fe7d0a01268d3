import path from "node:path";
import { dataDir } from "../db/url";
import { uploadDeps } from "../uploads/runtime";
import { importConfig } from "./config";
import type { ImportDeps } from "./deps";

/** The import side's dependencies in the running portal: $HANGAR_DATA_DIR/imports and HANGAR_IMPORT_*. */
export function importDeps(): ImportDeps {
  return { ...uploadDeps(), downloadDir: path.join(dataDir(), "imports"), imports: importConfig() };
}
