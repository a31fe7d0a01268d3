import type { CatalogDeps } from "../catalog/deps";
import type { DataStore } from "@tus/server";
import type { UploadConfig } from "./config";
import type { UploadHashes } from "./hashes";
import type { UploadLocker } from "../cluster/upload-locker";

/** What uploads need: the catalog's database and image store, the tus directory, limits, running hashes, locks. */
export interface UploadDeps extends CatalogDeps {
  /** Where partial uploads live, one file per upload id ($HANGAR_DATA_DIR/uploads). */
  uploadDir: string;
  /** Where the bytes of uploads in progress live: uploadDir, or the S3 bucket. */
  area: UploadArea;
  config: UploadConfig;
  hashes: UploadHashes;
  /** Which request may write each upload: across the nodes on PostgreSQL, in this process on SQLite. */
  locker: UploadLocker;
}

/**
 * Where the bytes of uploads in progress live until their finish moves them into image storage: a local directory
 * (with the image store on disk), or the S3 bucket (s3-area.ts; on disk: area.ts), where every node of a cluster reaches
 * them. finish.ts, expiry.ts and the tus server speak to this, not to files.
 */
export interface UploadArea {
  /** The tus datastore that writes uploads here. */
  datastore(deps: UploadDeps): DataStore;
  /**
   * The size of an upload's complete bytes, ready to move; null while it is incomplete, or once it moved. On S3,
   * parts a crash left holding all `length` bytes, uncompleted, are completed first (s3-area.ts).
   */
  completeSize(id: string, length: number): Promise<number | null>;
  /**
   * Moves an upload's complete `length` bytes into the image store under `key`, and starts the SHA-256 of those
   * bytes (resolved once computed, to whoever waits for it), unless it is `known` (an import verified it as its
   * bytes came in: they are not read twice).
   */
  moveInto(id: string, key: string, length: number, known?: string): Promise<{ digest: Promise<string> | undefined }>;
  /** Makes a finished local file (an import's download) the complete bytes of upload `id`. */
  receive(id: string, filePath: string): Promise<void>;
  /** Removes whatever upload `id` left here; nothing left is not an error. */
  discard(id: string): Promise<void>;
  /** The ids of every upload that has something here, for the sweep of leftovers without a record. */
  leftovers(): Promise<string[]>;
  /** Bytes free for uploads, checked before a creation; null where there is nothing to measure (a bucket). */
  freeSpace(): Promise<number | null>;
}
