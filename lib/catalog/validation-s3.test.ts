import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validationBytesRead } from "../metrics/metrics";
import { createTestBucket, type TestBucket } from "../testing/ceph";
import { fixtureFamily } from "../testing/fixtures";
import { makeUploadTestEnv, type UploadTestEnv } from "../testing/upload-env";
import { GiB } from "../uploads/config";
import type { UploadDeps } from "../uploads/deps";
import { openSource } from "../storage/source";
import { inspectStoredBytes } from "./inspector";
import { deleteImage } from "./mutations";
import { storeImageFile } from "./register";
import { validateImage, validationsSettled } from "./validation";

// Validation of images stored in S3 (the run's Ceph RGW): every read goes to the object where it lies, through
// ranged GETs and the block cache (lib/storage/s3-reader.ts); nothing is downloaded to local disk.

const MiB = 1024 * 1024;
const guests = fixtureFamily("guests");
const convert = fixtureFamily("convert");
const formats = fixtureFamily("formats");

let bucket: TestBucket;
let env: UploadTestEnv;
/** The catalog's dependencies with the S3 store. */
let deps: UploadDeps;

beforeAll(async () => {
  bucket = await createTestBucket();
  env = await makeUploadTestEnv({ userQuota: 20 * GiB }, { s3: bucket });
  deps = env.uploads;
});
afterAll(async () => {
  await validationsSettled();
  await env.close();
  await bucket.drop();
});

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const image = (id: string) => env.db.image.findUniqueOrThrow({ where: { id }, include: { disk: true } });
const objects = async () => (await bucket.contents()).objects;

/** The inspection of `file` on disk: its report, and the bytes it read. */
async function inspectLocally(file: string, fileName: string) {
  const reader = await openSource({ kind: "file", path: file });
  try {
    return { report: await inspectStoredBytes(reader, fileName), fetched: reader.fetched() };
  } finally {
    await reader.close();
  }
}

/** Bytes the inspections of validations brought from the store so far. */
async function inspectionBytes(): Promise<number> {
  const { values } = await validationBytesRead.get();
  return values.find(({ labels }) => labels.step === "inspection")?.value ?? 0;
}

/** Stores a copy of `file` in the bucket as a new image of Alice's (as registration does), and waits for its validation. */
async function register(file: string, name: string): Promise<string> {
  const copy = path.join(env.dir, "incoming", name, path.basename(file));
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.copyFileSync(file, copy);
  const result = await storeImageFile(deps, { creator: env.alice, target: { visibility: "private", projectId: null }, name, filePath: copy, properties: {} });
  if (!result.ok) throw new Error(result.error.message);
  // The file moved into the bucket: nothing of it stays on this disk.
  expect(fs.existsSync(copy)).toBe(false);
  await validationsSettled();
  return result.value.id;
}

describe.skipIf(guests.skipped)("validation of an image in S3", () => {
  // The raw disk is 200 MiB, mostly free space: its guest's metadata is a small part of it.
  it.each([
    ["debian12-gpt-ext4.raw", 0.02],
    ["debian12-gpt-ext4.qcow2", 1],
  ])(
    "inspects %s where it lies: the report of the file on disk, from about the bytes the file's inspection reads (at most %s of the object)",
    async (fixture, share) => {
      const file = guests.file(fixture);
      const local = await inspectLocally(file, fixture);
      const before = await inspectionBytes();
      const id = await register(file, `guest-${fixture.replace(/\W/g, "-")}`);
      const after = await inspectionBytes();
      const row = await image(id);
      expect([row.status, row.sha256]).toEqual(["ready", sha256(file)]);
      expect(JSON.parse(row.report ?? "null")).toEqual(JSON.parse(JSON.stringify(local.report)));
      expect(row.disk?.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(await objects()).toContain(`images/${row.storageKey}`);
      // The integrity walk and the guest checks: whole blocks and read-ahead cost a little more than the reads
      // themselves (docs/benchmarks.md, "Inspection from S3"), never the whole object.
      const inspected = after - before;
      console.log(`${fixture}: inspection read ${(local.fetched / MiB).toFixed(1)} MiB of the file, ${(inspected / MiB).toFixed(1)} MiB from S3`);
      expect(inspected).toBeGreaterThan(0);
      expect(inspected).toBeLessThanOrEqual(Math.max(1.2 * local.fetched, local.fetched + MiB));
      expect(inspected).toBeLessThanOrEqual(share * fs.statSync(file).size);
    },
  );

  it("reads the SHA-256 from the object, once, when the upload's running hash is gone", async () => {
    const file = guests.file("debian12-gpt-ext4.qcow2");
    const id = await register(file, "guest-rehashed");
    // As after a restart, or a finish on another node: the image validating again, its checksum not known here.
    await env.db.image.update({ where: { id }, data: { status: "validating", sha256: null } });
    await validateImage(deps, id);
    const row = await image(id);
    expect([row.status, row.sha256]).toEqual(["ready", sha256(file)]);
  });
});

describe.skipIf(convert.skipped)("conversion of an image in S3", () => {
  it("converts a Debian guest uploaded as a dynamic VHD from its object: the converted object replaces the original", async () => {
    const vhd = convert.file("debian12-guest.vhd");
    const before = await objects();
    const id = await register(vhd, "guest-vhd");
    const row = await image(id);
    const report = JSON.parse(row.report ?? "null") as { verdict: string; checks: { id: string; status: string; message: string }[] };
    expect([row.status, row.diskFormat, report.verdict]).toEqual(["ready", "qcow2", "accepted"]);
    expect(report.checks[0]).toMatchObject({ id: "upload.conversion", status: "pass" });
    expect(row.disk).toMatchObject({ originalFormat: "vhd", originalSha256: sha256(vhd), originalSize: BigInt(fs.statSync(vhd).size) });
    // One object more, the converted one; the original's went, and nothing is left in the conversions' scratch directory.
    expect((await objects()).filter((key) => !before.includes(key))).toEqual([`images/${row.storageKey}`]);
    expect(fs.readdirSync(deps.scratchDir)).toEqual([]);
    const converted = await deps.store.openReader(row.storageKey ?? "");
    try {
      expect([converted.size, row.sha256]).toEqual([Number(row.fileSize), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    } finally {
      await converted.close();
    }
  });
});

describe.skipIf(formats.skipped)("a hostile image in S3", () => {
  it("is rejected from its object, and its deletion removes the object", async () => {
    const id = await register(formats.file("hostile-backing.qcow2"), "hostile-backing");
    const row = await image(id);
    const report = JSON.parse(row.report ?? "null") as { checks: { id: string; status: string }[] };
    expect(row.status).toBe("rejected");
    expect(report.checks.find((check) => check.id === "format.safe")).toMatchObject({ status: "fail" });
    expect(await objects()).toContain(`images/${row.storageKey}`);
    expect((await deleteImage(deps, env.alice, id)).ok).toBe(true);
    expect(await objects()).not.toContain(`images/${row.storageKey}`);
  });
});
