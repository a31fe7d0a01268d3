import path from "node:path";
import { dataDir } from "../db/url";
import { LocalImageStore } from "./local-store";
import type { ImageStore } from "./store";

export type { ByteRange, ImageStore } from "./store";

const globalForStore = globalThis as unknown as { hangarStore?: ImageStore };

/** The configured store: files under $HANGAR_DATA_DIR/images. */
export function imageStore(): ImageStore {
  globalForStore.hangarStore ??= new LocalImageStore(path.join(dataDir(), "images"));
  return globalForStore.hangarStore;
}
