import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../cli/exit-codes";
import { S3ImageStore } from "../storage/s3-store";
import { type CatalogTestEnv, makeCatalogTestEnv } from "../testing/catalog-env";
import { createTestBucket, type TestBucket } from "../testing/ceph";
import { freePort } from "../testing/hangar-process";
import { runCli } from "../testing/run-cli";

// `hangar-admin migrate-storage` as an operator runs it, on a real catalog (PostgreSQL in the s3 project), the image
// directory and a bucket of the run's Ceph RGW.
const ADMIN = [process.execPath, path.resolve("scripts/hangar-admin.mjs")];
let env: CatalogTestEnv;
let bucket: TestBucket;
let store: S3ImageStore;
let adminEnv: Record<string, string>;
const images: { id: string; key: string; sha256: string; bytes: Buffer }[] = [];

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const migrate = (...args: string[]) => runCli(["migrate-storage", ...args], { command: ADMIN, env: adminEnv });
const localFile = (key: string) => path.join(env.dir, "images", key);

async function objectSha256(key: string): Promise<string | null> {
  try {
    const object = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.config.bucket, Key: store.objectKey(key) }));
    const hash = createHash("sha256");
    for await (const chunk of object.Body as Readable) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } catch {
    return null;
  }
}

beforeAll(async () => {
  env = await makeCatalogTestEnv();
  bucket = await createTestBucket();
  store = new S3ImageStore(bucket.config, {}, bucket.client);
  const settings = JSON.parse(process.env.HANGAR_TEST_S3 ?? "{}") as Record<string, string>;
  adminEnv = { ...settings, HANGAR_S3_BUCKET: bucket.config.bucket, DATABASE_URL: env.databaseUrl, HANGAR_DATA_DIR: env.dir };
  for (const [index, size] of [4096, 1024 * 1024 + 17, 300_000].entries()) {
    const bytes = randomBytes(size);
    const id = await env.addImage({ owner: env.alice, name: `disk-${index}`, visibility: "private", bytes });
    const { storageKey } = await env.db.image.findUniqueOrThrow({ where: { id } });
    images.push({ id, key: storageKey ?? "", sha256: sha256(bytes), bytes });
  }
  // An upload in progress has no bytes in the store yet: not the migration's.
  await env.addImage({ owner: env.alice, name: "still-uploading", visibility: "private", status: "uploading" });
}, 120_000);

afterAll(async () => {
  await bucket.drop();
  await env.close();
});

describe("hangar-admin migrate-storage", () => {
  it("refuses a missing --to, and an S3 store that is not configured, as usage errors", async () => {
    expect((await migrate()).code).toBe(EXIT.usage);
    const unconfigured = await runCli(["migrate-storage", "--to", "s3"], {
      command: ADMIN,
      env: { DATABASE_URL: env.databaseUrl, HANGAR_DATA_DIR: env.dir, HANGAR_S3_ENDPOINT: "http://127.0.0.1:1" },
    });
    expect(unconfigured.code).toBe(EXIT.usage);
    expect(unconfigured.stderr).toContain("HANGAR_S3_BUCKET is not set");
  });

  it("says what a dry run would copy, and copies nothing", async () => {
    const run = await migrate("--to", "s3", "--dry-run");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain("dry run: 3 image(s) to copy, 0 already there, 0 failed");
    expect(run.stderr.match(/would copy/g)).toHaveLength(3);
    expect((await bucket.contents()).objects).toEqual([]);
  });

  it("copies every image to the bucket, verified, with its progress, and keeps the source", async () => {
    const run = await migrate("--to", "s3");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toMatch(/^\[1\/3\] copied disk-/m);
    expect(run.stderr).toMatch(/^\[3\/3\] copied disk-/m);
    for (const image of images) {
      expect(await objectSha256(image.key)).toBe(image.sha256);
      expect(sha256(fs.readFileSync(localFile(image.key)))).toBe(image.sha256);
    }
    expect((await bucket.contents()).uploads).toEqual([]);
  });

  it("is idempotent, and resumes a run that stopped: what is missing or wrong is copied again, the rest checked and kept", async () => {
    const [first, second] = images;
    // As a run cut short leaves the bucket (a write is whole or absent), and an object someone overwrote.
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.config.bucket, Key: store.objectKey(second.key), Body: randomBytes(second.bytes.length) }));
    await store.remove(first.key);
    const run = await migrate("--to", "s3");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain("2 image(s) copied");
    expect(run.stdout).toContain("1 already there");
    for (const image of images) expect(await objectSha256(image.key)).toBe(image.sha256);
    const again = await migrate("--to", "s3");
    expect(again.stdout).toContain("0 image(s) copied (0 bytes), 3 already there, 0 failed");
  });

  it("copies the bytes back to the image directory with --to local", async () => {
    for (const image of images) fs.rmSync(localFile(image.key));
    const run = await migrate("--to", "local");
    expect(run.code).toBe(EXIT.ok);
    for (const image of images) expect(sha256(fs.readFileSync(localFile(image.key)))).toBe(image.sha256);
    expect(fs.readdirSync(path.join(env.dir, "images")).filter((name) => name.startsWith("."))).toEqual([]);
  });

  it("fails (exit 1) for an image whose source is not the catalog's, leaves no copy of it, and copies the others", async () => {
    const [damaged] = images;
    for (const image of images) fs.rmSync(localFile(image.key));
    // The bucket's copy of one image was damaged in place: same size, other bytes.
    await bucket.client.send(
      new PutObjectCommand({ Bucket: bucket.config.bucket, Key: store.objectKey(damaged.key), Body: randomBytes(damaged.bytes.length) }),
    );
    const run = await migrate("--to", "local");
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toMatch(new RegExp(`FAILED disk-0 \\(${damaged.id}.*the copy did not match the catalog \\(its SHA-256 is`));
    expect(fs.existsSync(localFile(damaged.key))).toBe(false);
    for (const image of images.slice(1)) expect(sha256(fs.readFileSync(localFile(image.key)))).toBe(image.sha256);
    expect(await objectSha256(damaged.key)).not.toBe(damaged.sha256);
  });

  it("exits 7 (unavailable, safe to retry) when the database does not answer", async () => {
    const run = await runCli(["migrate-storage", "--to", "s3"], {
      command: ADMIN,
      env: { ...adminEnv, DATABASE_URL: `postgresql://hangar@127.0.0.1:${await freePort()}/hangar` },
    });
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr).toContain("the database does not answer");
  });
});
