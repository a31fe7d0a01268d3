import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { dataDir } from "../db/url";
import { LocalImageStore } from "../storage/local-store";
import type { StorageDirection } from "../storage/migrate";
import { s3Config } from "../storage/s3-config";
import { S3ImageStore } from "../storage/s3-store";

/** Where `migrate-storage` moves the bytes to: the bucket (HANGAR_S3_*), or the image directory ($HANGAR_DATA_DIR/images). */
export const STORAGE_TARGETS = ["s3", "local"] as const;
export type StorageTarget = (typeof STORAGE_TARGETS)[number];

/** Where the image directory keeps `key`'s bytes. */
function fileOf(local: LocalImageStore, key: string): string {
  const source = local.source(key);
  if (source.kind !== "file") throw new Error(`the image directory gave no file for ${key}`);
  return source.path;
}

/**
 * Both stores as the server configures them, and the way between them: to the bucket, each file uploaded as it lies
 * (one PUT, or a multipart upload that S3 makes visible only when complete); to the directory, each object written
 * to a hidden file beside the images and renamed into place.
 */
export function storageDirection(to: StorageTarget, env: NodeJS.ProcessEnv = process.env): StorageDirection {
  const local = new LocalImageStore(path.join(dataDir(), "images"));
  const config = s3Config(env);
  const s3 = new S3ImageStore(config);
  if (to === "s3") return { from: local, to: s3, write: (key) => s3.putFile(s3.objectKey(key), fileOf(local, key)) };
  return {
    from: s3,
    to: local,
    async write(key) {
      const partial = path.join(local.dir, `.migrating-${key}`);
      try {
        await pipeline(s3.openRead(key), fs.createWriteStream(partial));
        await local.adopt(key, partial);
      } finally {
        await fsp.rm(partial, { force: true });
      }
    },
  };
}
