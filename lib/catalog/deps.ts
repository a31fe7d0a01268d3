import type { Db } from "../db/client";
import type { ImageStore } from "../storage/store";

/** What the catalog needs from the outside world; tests pass a temporary database and directory. */
export interface CatalogDeps {
  db: Db;
  store: ImageStore;
  /** Where admins drop files to register as platform images. */
  importDir: string;
  /** Where conversions write before the store adopts their output (lib/catalog/conversion.ts): on the store's file system, private to Hangar. */
  scratchDir: string;
}
