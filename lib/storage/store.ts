import type { Readable } from "node:stream";
import type { RandomAccessReader } from "../inspect/reader";

/** An inclusive byte range, as HTTP Range speaks it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where image bytes live. Keys are opaque ids chosen by the catalog, never
 * names from a client; an object store can implement the same interface.
 */
export interface ImageStore {
  /** Moves a finished file (e.g. a completed upload) into the store under `key`. */
  adopt(key: string, sourcePath: string): Promise<void>;
  /** Copies the bytes of one key to another (publishing an image makes a copy). */
  copy(fromKey: string, toKey: string): Promise<void>;
  /** Size in bytes, or null when the key holds nothing. */
  size(key: string): Promise<number | null>;
  /** A stream of the whole object or of one range. */
  openRead(key: string, range?: ByteRange): Readable;
  /** A local path for random-access reads (inspection); null for stores that have none. */
  localPath(key: string): string | null;
  /** Random access to the bytes where they lie, for inspection (a file, or ranged GETs of an object); close() it when done. */
  openReader(key: string): Promise<RandomAccessReader & { close(): Promise<void> }>;
  /** Resolves when the store answers (the directory is there and writable, the bucket reachable); rejects with the cause otherwise. */
  check(): Promise<void>;
  /** Removes the bytes; removing a missing key is not an error. */
  remove(key: string): Promise<void>;
}
