import { createHash, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validationsSettled } from "../catalog/validation";
import { storedBytes } from "../testing/stored";
import { makeUploadTestEnv, type UploadTestEnv } from "../testing/upload-env";
import { uploadOf } from "./access";
import { GiB } from "./config";
import { createUpload } from "./create";
import { removeExpiredUploads } from "./expiry";
import { finishCompleteUploads, finishUpload } from "./finish";
import { listUnfinishedUploads } from "./list";

let env: UploadTestEnv;
beforeEach(async () => {
  env = await makeUploadTestEnv({ userQuota: 10 * GiB });
});
afterEach(async () => {
  await validationsSettled();
  await env.close();
});

const newId = () => randomBytes(16).toString("hex");

async function started(name: string, length: number, extra: Record<string, string> = {}, actor = env.alice) {
  const id = newId();
  const result = await createUpload(env.uploads, actor, { id, length, metadata: { name, filename: `${name}.qcow2`, ...extra } });
  if (!result.ok) throw new Error(result.error.message);
  await env.open(id, length);
  return { id, imageId: result.value.imageId };
}

const patch = (id: string, bytes: Buffer, offset = 0) => env.patch(id, bytes, offset);
/** Whether the upload area (its directory, or the bucket) holds anything of upload `id`. */
const inArea = async (id: string) => (await env.uploads.area.leftovers()).includes(id);

describe("creating an upload", () => {
  it("creates the image as uploading, reserving its name and counting toward the quota", async () => {
    const { id, imageId } = await started("debian-12", 3 * GiB, { minMemoryMiB: "1024" });
    const image = await env.db.image.findUniqueOrThrow({ where: { id: imageId }, include: { upload: true } });
    expect([image.status, image.visibility, image.createdById, Number(image.fileSize), image.minMemoryMiB, image.upload?.id]).toEqual([
      "uploading",
      "private",
      env.alice.id,
      3 * GiB,
      1024,
      id,
    ]);
    const again = await createUpload(env.uploads, env.alice, { id: newId(), length: 10, metadata: { name: "debian-12" } });
    expect(again.ok || again.error).toMatchObject({ code: "conflict", message: 'You already have an image named "debian-12".' });
  });

  it("refuses anonymous requests, and platform images from non-admins", async () => {
    expect(await createUpload(env.uploads, null, { id: newId(), length: 10, metadata: { name: "a" } })).toMatchObject({
      ok: false,
      error: { code: "unauthenticated" },
    });
    expect(await createUpload(env.uploads, env.alice, { id: newId(), length: 10, metadata: { name: "a", visibility: "platform" } })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await createUpload(env.uploads, env.admin, { id: newId(), length: 10, metadata: { name: "a", visibility: "platform" } })).toMatchObject({
      ok: true,
    });
    expect(await env.db.image.count({ where: { name: "a" } })).toBe(1);
  });

  it("refuses a file over the maximum size, saying what the limit is", async () => {
    const result = await createUpload(env.uploads, env.alice, { id: newId(), length: 401 * GiB, metadata: { name: "huge" } });
    expect(result.ok || result.error).toEqual({ code: "too_large", message: "This file is 401 GiB; Hangar accepts images up to 400 GiB." });
  });

  it("refuses what would go over the quota, stating usage and limit; platform images count toward no one", async () => {
    // Sizes in MiB: the uploads declared here are also reserved against the test machine's free disk space.
    const MiB = 1024 ** 2;
    env.uploads.config.userQuota = 10 * MiB;
    await started("six", 6 * MiB);
    await createUpload(env.uploads, env.admin, { id: newId(), length: 9 * MiB, metadata: { name: "platform", visibility: "platform" } });
    const result = await createUpload(env.uploads, env.alice, { id: newId(), length: 5 * MiB, metadata: { name: "five" } });
    expect(result.ok || result.error).toEqual({
      code: "quota_exceeded",
      message:
        "This image needs 5 MiB, but only 4 MiB of your 10 MiB quota is left (6 MiB used). Delete images you no longer need, or ask an administrator for a larger quota.",
    });
    expect(await createUpload(env.uploads, env.bob, { id: newId(), length: 5 * MiB, metadata: { name: "five" } })).toMatchObject({ ok: true });
  });
});

describe("an upload belongs to its creator", () => {
  it("is visible to its creator only: another user and an admin get not found", async () => {
    const { id } = await started("mine", 100);
    expect((await uploadOf(env.uploads, env.alice, id)).ok).toBe(true);
    expect(await uploadOf(env.uploads, env.bob, id)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await uploadOf(env.uploads, env.admin, id)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await uploadOf(env.uploads, null, id)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
    expect(await uploadOf(env.uploads, env.alice, "../../hangar.db")).toMatchObject({ ok: false, error: { code: "not_found" } });
    const alices = await listUnfinishedUploads(env.uploads, env.alice);
    const bobs = await listUnfinishedUploads(env.uploads, env.bob);
    expect([alices.ok && alices.value.map((upload) => upload.id), bobs.ok && bobs.value]).toEqual([[id], []]);
  });
});

describe("finishing an upload", () => {
  it("hashes behind the writes, moves the file into image storage and hands the image to validation, which records the checksum", async () => {
    const bytes = randomBytes(3 << 20);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const { id, imageId } = await started("done", bytes.length, { sha256 });
    expect(await patch(id, bytes.subarray(0, 1 << 20))).toBe(1 << 20);
    // A new store and a forgotten hash stand for a restart between two PATCH requests.
    env.uploads.hashes.forget(id);
    expect(await patch(id, bytes.subarray(1 << 20), 1 << 20)).toBe(bytes.length);
    expect(await finishUpload(env.uploads, id)).toEqual({ ok: true, value: { imageId } });

    const image = await env.db.image.findUniqueOrThrow({ where: { id: imageId } });
    await validationsSettled();
    const validated = await env.db.image.findUniqueOrThrow({ where: { id: imageId } });
    // The declared checksum held: the image was judged on its contents, not refused for its bytes.
    expect([validated.sha256, (JSON.parse(validated.report ?? "{}") as { checks: unknown[] }).checks[0]]).toEqual([
      sha256,
      expect.objectContaining({ code: "upload.checksum_match" }),
    ]);
    expect(Buffer.compare(await storedBytes(env.deps.store, image.storageKey), bytes)).toBe(0);
    expect(await inArea(id)).toBe(false);
    // The upload's record stays, complete, for a client that lost the last answer (until expiry).
    expect(await env.db.upload.findMany({ select: { id: true, offset: true } })).toEqual([{ id, offset: BigInt(bytes.length) }]);
    expect(["validating", "ready", "rejected"]).toContain(image.status);
  });

  it("does not finish an upload that is missing bytes", async () => {
    const { id } = await started("short", 10);
    await patch(id, Buffer.from("12345"));
    expect(await finishUpload(env.uploads, id)).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  it("completes a finish a crash cut short after the file moved", async () => {
    const bytes = randomBytes(4096);
    const { id, imageId } = await started("crashed", bytes.length);
    await patch(id, bytes);
    // The state a crash right after the move leaves: the key recorded, the bytes in storage, the upload row still there, and no running hash.
    await env.db.image.update({ where: { id: imageId }, data: { storageKey: "crashedKey0123" } });
    await env.uploads.area.moveInto(id, "crashedKey0123", bytes.length);
    env.uploads.hashes.forget(id);
    expect(await finishCompleteUploads(env.uploads)).toEqual([id]);
    await validationsSettled();
    const image = await env.db.image.findUniqueOrThrow({ where: { id: imageId } });
    // Validation hashed the stored file itself.
    expect([image.storageKey, image.sha256, image.status === "uploading"]).toEqual(["crashedKey0123", createHash("sha256").update(bytes).digest("hex"), false]);
  });

  it("stops receiving bytes for an image deleted during its upload", async () => {
    const { id, imageId } = await started("deleted", 100);
    await env.db.image.delete({ where: { id: imageId } });
    await expect(patch(id, Buffer.alloc(50))).rejects.toMatchObject({ status_code: 410 });
    expect(await inArea(id)).toBe(false);
  });
});

describe("expiry", () => {
  it("removes an upload abandoned past the limit, counted from its last byte; keeps recent ones and finished images", async () => {
    const abandoned = await started("abandoned", 100);
    await patch(abandoned.id, Buffer.alloc(40));
    const recent = await started("recent", 100);
    await patch(recent.id, Buffer.alloc(40));
    const finished = await started("finished", 10);
    await patch(finished.id, Buffer.alloc(10));
    await finishUpload(env.uploads, finished.id);
    const finishedImage = await env.db.image.findUniqueOrThrow({ where: { id: finished.imageId } });

    // Created two days ago, last byte 25 hours ago: expired. Created two days ago, last byte an hour ago: alive.
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    await env.db.upload.update({ where: { id: abandoned.id }, data: { createdAt: hoursAgo(48), lastByteAt: hoursAgo(25) } });
    await env.db.upload.update({ where: { id: recent.id }, data: { createdAt: hoursAgo(48), lastByteAt: hoursAgo(1) } });
    // Long after every limit, for the finished image.
    const { expired } = await removeExpiredUploads(env.uploads, new Date(Date.now() + 3_600_000));

    expect(expired).toEqual([abandoned.id]);
    expect(await inArea(abandoned.id)).toBe(false);
    expect(await env.db.image.findUnique({ where: { id: abandoned.imageId } })).toBeNull();
    expect(await inArea(recent.id)).toBe(true);
    expect(await env.db.image.findUnique({ where: { id: recent.imageId } })).not.toBeNull();
    expect(await env.db.image.findUnique({ where: { id: finished.imageId } })).not.toBeNull();
    expect(await env.deps.store.size(finishedImage.storageKey ?? "")).not.toBeNull();

    // The finished upload's record, kept for a client that lost the last answer, goes as long after the finish; its image stays.
    expect(await env.db.upload.count({ where: { id: finished.id } })).toBe(1);
    await removeExpiredUploads(env.uploads, new Date(Date.now() + 25 * 3_600_000));
    expect(await env.db.upload.count({ where: { id: finished.id } })).toBe(0);
    expect(await env.db.image.findUniqueOrThrow({ where: { id: finished.imageId } })).toMatchObject({
      storageKey: finishedImage.storageKey,
      fileSize: finishedImage.fileSize,
    });
  });

  it("counts from the last PATCH: bytes arriving on an upload created long ago keep it", async () => {
    const old = await started("old-but-active", 100);
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    await env.db.upload.update({ where: { id: old.id }, data: { createdAt: dayAgo, lastByteAt: dayAgo } });
    const before = Date.now();
    await patch(old.id, Buffer.alloc(30));
    const record = await env.db.upload.findUniqueOrThrow({ where: { id: old.id } });
    expect([record.lastByteAt.getTime() >= before, Number(record.offset)]).toEqual([true, 30]);

    expect(await removeExpiredUploads(env.uploads)).toEqual({ expired: [], orphans: [], queued: [] });
    expect(await removeExpiredUploads(env.uploads, new Date(Date.now() + 25 * 3_600_000))).toEqual({ expired: [old.id], orphans: [], queued: [] });
  });

  it("removes the partial file of an image deleted while uploading", async () => {
    const { id, imageId } = await started("cancelled", 100);
    await patch(id, Buffer.alloc(10));
    await env.db.image.delete({ where: { id: imageId } });
    expect(await removeExpiredUploads(env.uploads)).toEqual({ expired: [], orphans: [id], queued: [] });
    expect(await inArea(id)).toBe(false);
  });
});
