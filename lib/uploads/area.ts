import fsp from "node:fs/promises";
import path from "node:path";
import type { DataStore } from "@tus/server";
import type { ImageStore } from "../storage";
import { UPLOAD_ID } from "./access";
import { freeSpace } from "./disk";
import type { UploadDeps } from "./deps";
import { UploadStore } from "./file-store";
import type { UploadHashes } from "./hashes";

/**
 * Where the bytes of uploads in progress live until their finish moves them into image storage: a local directory
 * (with the image store on disk), or the S3 bucket (lib/uploads/s3-area.ts), where every node of a cluster reaches
 * them. finish.ts, expiry.ts and the tus server speak to this, not to files.
 */
export interface UploadArea {
  /** The tus datastore that writes uploads here. */
  datastore(deps: UploadDeps): DataStore;
  /** The size of an upload's complete bytes, ready to move; null while it is incomplete, or once it moved. */
  completeSize(id: string): Promise<number | null>;
  /**
   * Moves an upload's complete `length` bytes into the image store under `key`, and starts the SHA-256 of those
   * bytes (resolved once computed, to whoever waits for it).
   */
  moveInto(id: string, key: string, length: number): Promise<{ digest: Promise<string> | undefined }>;
  /** Makes a finished local file (an import's download) the complete bytes of upload `id`. */
  receive(id: string, filePath: string): Promise<void>;
  /** Removes whatever upload `id` left here; nothing left is not an error. */
  discard(id: string): Promise<void>;
  /** The ids of every upload that has something here, for the sweep of leftovers without a record. */
  leftovers(): Promise<string[]>;
  /** Bytes free for uploads, checked before a creation; null where there is nothing to measure (a bucket). */
  freeSpace(): Promise<number | null>;
}

const sizeOf = async (file: string) => (await fsp.stat(file).catch(() => null))?.size ?? null;

/** One file per upload id in a directory, hashed as it is written (lib/uploads/hashes.ts). */
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

  async moveInto(id: string, key: string, length: number) {
    // The hash catches up with the last bytes while validation inspects them; the worker holds the file open, so it may move.
    const digest = (await this.hashes.begin(id, this.file(id), length).catch(() => undefined))?.digest;
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
