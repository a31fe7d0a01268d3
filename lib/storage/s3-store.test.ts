import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBucket, type TestBucket } from "../testing/ceph";
import { S3ImageStore } from "./s3-store";
import { openSource } from "./source";

// Against the run's Ceph RGW (Vitest's s3 project), each suite in a bucket of its own.
const MiB = 1024 * 1024;
let bucket: TestBucket;
let store: S3ImageStore;
let dir: string;

beforeAll(async () => {
  bucket = await createTestBucket();
  // Parts of the smallest size S3 allows, so a few MiB take the multipart paths.
  store = new S3ImageStore(bucket.config, { partSize: 5 * MiB, singleCopyLimit: 5 * MiB, copyPartSize: 5 * MiB }, bucket.client);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-s3-store-"));
});
afterAll(async () => {
  await bucket.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function sourceFile(name: string, size: number): { file: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { file, bytes };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("adopt", () => {
  it("uploads a small file in one request and removes the source", async () => {
    const { file, bytes } = sourceFile("small", 1000);
    await store.adopt("small-key-1", file);
    expect(fs.existsSync(file)).toBe(false);
    expect(await store.size("small-key-1")).toBe(1000);
    expect(await readAll(store.openRead("small-key-1"))).toEqual(bytes);
  });

  it("uploads a file larger than a part in parts, byte for byte, and leaves no upload open", async () => {
    const { file, bytes } = sourceFile("large", 12 * MiB + 123);
    await store.adopt("large-key-1", file);
    expect(await store.size("large-key-1")).toBe(bytes.length);
    expect(sha256(await readAll(store.openRead("large-key-1")))).toBe(sha256(bytes));
    expect((await bucket.contents()).uploads).toEqual([]);
  });

  it("keeps image objects under their prefix", async () => {
    const { objects } = await bucket.contents();
    expect(objects).toEqual(expect.arrayContaining(["images/small-key-1", "images/large-key-1"]));
  });

  it("refuses a key that is not an id the catalog makes", async () => {
    const { file } = sourceFile("bad-key", 10);
    await expect(store.adopt("../escape", file)).rejects.toThrow(/invalid storage key/);
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe("openRead", () => {
  it("streams one inclusive range", async () => {
    const { file, bytes } = sourceFile("ranged", 3 * MiB);
    await store.adopt("ranged-key-1", file);
    expect(await readAll(store.openRead("ranged-key-1", { start: 10, end: 19 }))).toEqual(bytes.subarray(10, 20));
    expect(await readAll(store.openRead("ranged-key-1", { start: bytes.length - 5, end: bytes.length - 1 }))).toEqual(bytes.subarray(-5));
  });

  it("fails the stream for a missing key", async () => {
    await expect(readAll(store.openRead("missing-key-1"))).rejects.toThrow();
  });

  it("stops the transfer when the reader goes away", async () => {
    const stream = store.openRead("large-key-1");
    const first = await new Promise<Buffer>((resolve) => stream.once("data", resolve));
    expect(first.length).toBeGreaterThan(0);
    stream.destroy();
    await new Promise((resolve) => stream.once("close", resolve));
    expect(stream.destroyed).toBe(true);
  });
});

describe("copy", () => {
  it("copies a small object with one CopyObject", async () => {
    await store.copy("small-key-1", "small-copy-1");
    expect(await readAll(store.openRead("small-copy-1"))).toEqual(await readAll(store.openRead("small-key-1")));
  });

  it("copies an object above the single-copy limit in parts (UploadPartCopy)", async () => {
    await store.copy("large-key-1", "large-copy-1");
    expect(await store.size("large-copy-1")).toBe(12 * MiB + 123);
    expect(sha256(await readAll(store.openRead("large-copy-1")))).toBe(sha256(await readAll(store.openRead("large-key-1"))));
    expect((await bucket.contents()).uploads).toEqual([]);
  });

  it("fails for a missing source", async () => {
    await expect(store.copy("missing-key-1", "missing-copy-1")).rejects.toThrow(/no object/);
  });
});

describe("size and remove", () => {
  it("answers null for a missing key, and removing twice is not an error", async () => {
    const { file } = sourceFile("doomed", 100);
    await store.adopt("doomed-key-1", file);
    await store.remove("doomed-key-1");
    expect(await store.size("doomed-key-1")).toBeNull();
    await store.remove("doomed-key-1");
    expect(await store.size("never-there-1")).toBeNull();
  });

  it("names its object for another thread, which reads it through a client of its own", async () => {
    const { file, bytes } = sourceFile("sourced", 3 * MiB);
    await store.adopt("sourced-key-1", file);
    const source = store.source("sourced-key-1");
    // What a worker gets: a structured clone, no client in it.
    const reader = await openSource(structuredClone(source));
    expect(reader.size).toBe(3 * MiB);
    expect(Buffer.from(await reader.read(MiB - 3, 10))).toEqual(bytes.subarray(MiB - 3, MiB + 7));
    expect(reader.fetched()).toBeGreaterThanOrEqual(10);
    expect(reader.fetched()).toBeLessThan(MiB);
    await reader.close();
  });
});

describe("openReader", () => {
  it("reads any range through the block cache, fetching each block once", async () => {
    const { file, bytes } = sourceFile("random-access", 2 * MiB + 7);
    await store.adopt("random-key-1", file);
    const reader = await store.openReader("random-key-1");
    expect(Buffer.from(await reader.read(0, 512))).toEqual(bytes.subarray(0, 512));
    expect(Buffer.from(await reader.read(70_000, 200_000))).toEqual(bytes.subarray(70_000, 270_000));
    expect(Buffer.from(await reader.read(bytes.length - 10, 100))).toEqual(bytes.subarray(-10));
    expect(await reader.read(bytes.length, 10)).toHaveLength(0);
    const { fetches, bytesFetched } = reader.stats;
    expect(Buffer.from(await reader.read(100, 300))).toEqual(bytes.subarray(100, 400));
    expect(reader.stats).toEqual({ fetches, bytesFetched });
    await reader.close();
  });

  it("fails rather than mix two versions when the object is replaced while it is read", async () => {
    const { file } = sourceFile("replaced", 1 * MiB);
    await store.adopt("replaced-key-1", file);
    const reader = await store.openReader("replaced-key-1");
    await reader.read(0, 10);
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.config.bucket, Key: store.objectKey("replaced-key-1"), Body: randomBytes(MiB) }));
    await expect(reader.read(MiB - 10, 10)).rejects.toThrow("the store answered 412 for its object");
  });

  it("says the bytes are gone when the object is removed while it is read (a deletion racing a validation)", async () => {
    const { file } = sourceFile("removed", 1 * MiB);
    await store.adopt("removed-key-1", file);
    const reader = await store.openReader("removed-key-1");
    await reader.read(0, 10);
    await store.remove("removed-key-1");
    await expect(reader.read(MiB - 10, 10)).rejects.toThrow("its bytes are not in the store");
  });
});

describe("check", () => {
  it("answers while the bucket is reachable, and rejects for a bucket that is not there (readiness, lib/server/readiness.ts)", async () => {
    await expect(store.check()).resolves.toBeUndefined();
    await expect(new S3ImageStore({ ...bucket.config, bucket: `${bucket.config.bucket}-missing` }, {}, bucket.client).check()).rejects.toThrow();
  });
});
