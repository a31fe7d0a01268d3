import path from "node:path";
import { dataDir } from "../db/url";
import { LocalImageStore } from "./local-store";
import type { ImageStore } from "./store";

export type { ByteRange, ImageStore } from "./store";

let store: ImageStore | null = null;

/** The configured store: files under $HANGAR_DATA_DIR/images. */
export function imageStore(): ImageStore {
  store ??= new LocalImageStore(path.join(dataDir(), "images"));
  return store;
}
