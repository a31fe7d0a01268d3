import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { checkKey } from "./keys";
import { openSource } from "./source";
import type { ByteRange, ImageStore, StoredSource, StoreReader } from "./store";

/** Image bytes as files in one directory: `<dir>/<key>`. */
export class LocalImageStore implements ImageStore {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  private pathOf(key: string): string {
    return path.join(this.dir, checkKey(key));
  }

  async adopt(key: string, sourcePath: string): Promise<void> {
    const target = this.pathOf(key);
    try {
      await fsp.rename(sourcePath, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      await fsp.copyFile(sourcePath, target);
      await fsp.unlink(sourcePath);
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    // FICLONE shares blocks on file systems that can (btrfs, XFS), a plain copy elsewhere.
    await fsp.copyFile(this.pathOf(fromKey), this.pathOf(toKey), fs.constants.COPYFILE_FICLONE);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await fsp.stat(this.pathOf(key))).size;
    } catch {
      return null;
    }
  }

  openRead(key: string, range?: ByteRange): Readable {
    return fs.createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
  }

  source(key: string): StoredSource {
    return { kind: "file", path: this.pathOf(key) };
  }

  openReader(key: string): Promise<StoreReader> {
    return openSource(this.source(key));
  }

  async check(): Promise<void> {
    await fsp.access(this.dir, fs.constants.R_OK | fs.constants.W_OK);
  }

  async remove(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }
}
