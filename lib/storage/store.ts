import type { Readable } from "node:stream";
import type { RandomAccessReader } from "../inspect/reader";
import type { S3Config } from "./s3-config";

/** An inclusive byte range, as HTTP Range speaks it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where an image's bytes lie, in a form that crosses to a worker thread (structured clone): a file, or an object
 * of an S3 bucket with the settings to reach it. The worker opens its own reader on it (openSource), so the
 * inspection's reads never pass through the thread that answers requests.
 */
export type StoredSource = { kind: "file"; path: string } | { kind: "s3"; config: S3Config; objectKey: string };

/** Random access to stored bytes; close() it when done. */
export interface StoreReader extends RandomAccessReader {
  /** Bytes brought from the store so far: a file's reads, or an object's ranged GETs (whole blocks and read-ahead included). */
  fetched(): number;
  close(): Promise<void>;
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
  /** Where the bytes of `key` lie, for a reader opened on another thread (the inspection pool's workers). */
  source(key: string): StoredSource;
  /** Random access to the bytes where they lie, for inspection (a file, or ranged GETs of an object); close() it when done. */
  openReader(key: string): Promise<StoreReader>;
  /** Resolves when the store answers (the directory is there and writable, the bucket reachable); rejects with the cause otherwise. */
  check(): Promise<void>;
  /** Removes the bytes; removing a missing key is not an error. */
  remove(key: string): Promise<void>;
}
