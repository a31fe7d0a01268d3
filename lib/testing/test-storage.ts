import fs from "node:fs";
import path from "node:path";
import { LocalImageStore } from "../storage/local-store";
import { S3ImageStore } from "../storage/s3-store";
import type { ImageStore } from "../storage/store";
import { createTestBucket, type TestBucket } from "./ceph";

/** Where a test's image bytes and uploads in progress live. */
export type TestStorageKind = "local" | "s3";

/**
 * The storage of this test run: HANGAR_TEST_STORAGE, "local" unless set. Vitest's "postgresql-s3" project sets
 * "s3" and shares the run's Ceph RGW (lib/testing/ceph-setup.ts); the same suites run on local directories elsewhere.
 */
export function testStorageKind(): TestStorageKind {
  const kind = process.env.HANGAR_TEST_STORAGE ?? "local";
  if (kind !== "local" && kind !== "s3") throw new Error(`HANGAR_TEST_STORAGE is "local" or "s3", not "${kind}"`);
  return kind;
}

/** The prefix of image objects in a test bucket (the upload area's objects lie at its top level). */
const IMAGES = "images/";

/** A test's image store, with what a test needs to look into it and remove it. */
export interface TestStorage {
  store: ImageStore;
  /** The bucket on S3; null on a local directory. */
  bucket: TestBucket | null;
  /** The keys the store holds, read where they lie (the directory's files, or the bucket's image objects). */
  keys(): Promise<string[]>;
  /** Removes the bucket this made (a bucket the caller passed stays theirs). */
  drop(): Promise<void>;
}

/** An S3 store on `bucket`, with parts of 5 MiB, S3's least, so that small test files still span several. */
function s3Store(bucket: TestBucket): S3ImageStore {
  return new S3ImageStore(bucket.config, { prefix: IMAGES, partSize: 5 << 20 }, bucket.client);
}

/**
 * The image store of one test environment in `dir`: in `s3` when given, in a bucket of its own on the run's RGW
 * when the run's storage is S3, else files in `<dir>/images`.
 */
export async function createTestStorage(dir: string, s3?: TestBucket): Promise<TestStorage> {
  const own = !s3 && testStorageKind() === "s3" ? await createTestBucket() : null;
  const bucket = s3 ?? own;
  if (bucket) {
    return {
      store: s3Store(bucket),
      bucket,
      keys: async () => (await bucket.contents()).objects.filter((key) => key.startsWith(IMAGES)).map((key) => key.slice(IMAGES.length)),
      drop: async () => own?.drop(),
    };
  }
  const store = new LocalImageStore(path.join(dir, "images"));
  return { store, bucket: null, keys: () => Promise.resolve(fs.readdirSync(store.dir)), drop: () => Promise.resolve() };
}
