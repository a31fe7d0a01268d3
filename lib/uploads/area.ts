import fsp from "node:fs/promises";
import path from "node:path";
import type { DataStore } from "@tus/server";
import type { ImageStore } from "../storage";
import { UPLOAD_ID } from "./access";
import { freeSpace } from "./disk";
import type { UploadArea, UploadDeps } from "./deps";
import { UploadStore } from "./file-store";
import type { UploadHashes } from "./hashes";

const sizeOf = async (file: string) => (await fsp.stat(file).catch(() => null))?.size ?? null;

/** The upload area on disk (UploadArea, deps.ts): one file per upload id in a directory, hashed as it is written (lib/uploads/hashes.ts). */
export class LocalUploadArea implements UploadArea {
  constructor(
    readonly dir: string,
    private readonly store: ImageStore,
    private readonly hashes: UploadHashes,
  ) {}

  datastore(deps: UploadDeps): DataStore {
    return new UploadStore(deps);
  }

  private file(id: string): string {
    return path.join(this.dir, id);
  }

  async completeSize(id: string): Promise<number | null> {
    return sizeOf(this.file(id));
  }

  async moveInto(id: string, key: string, length: number, known?: string) {
    // The hash catches up with the last bytes while validation inspects them; the worker holds the file open, so it may move.
    const digest = known !== undefined ? Promise.resolve(known) : (await this.hashes.begin(id, this.file(id), length).catch(() => undefined))?.digest;
    await this.store.adopt(key, this.file(id));
    return { digest };
  }

  async receive(id: string, filePath: string): Promise<void> {
    await fsp.rename(filePath, this.file(id));
  }

  async discard(id: string): Promise<void> {
    this.hashes.forget(id);
    await fsp.rm(this.file(id), { force: true });
  }

  freeSpace(): Promise<number> {
    return freeSpace(this.dir);
  }

  async leftovers(): Promise<string[]> {
    return (await fsp.readdir(this.dir).catch(() => [] as string[])).filter((name) => UPLOAD_ID.test(name));
  }
}
