import path from "node:path";
import { db } from "../db/client";
import { dataDir } from "../db/url";
import { imageStore } from "../storage";
import type { CatalogDeps } from "./deps";

/** The catalog's dependencies in the running portal. */
export function catalogDeps(): CatalogDeps {
  return { db: db(), store: imageStore(), importDir: path.join(dataDir(), "import"), scratchDir: path.join(dataDir(), "conversions") };
}
