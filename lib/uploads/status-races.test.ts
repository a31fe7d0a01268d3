import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deleteImage } from "../catalog/mutations";
import { validateImage, validationsSettled } from "../catalog/validation";
import { storedBytes } from "../testing/stored";
import { makeUploadTestEnv, otherProcess, type UploadTestEnv } from "../testing/upload-env";
import { createUpload } from "./create";
import type { UploadDeps } from "./deps";
import { removeExpiredUploads } from "./expiry";
import { finishUpload } from "./finish";

// Two writers of one image's status at the same moment: whatever the interleaving, one wins, the other
// is told, and what remains is consistent (lib/catalog/lifecycle.ts). Each race runs with the second
// writer starting 0 to INTERLEAVINGS-1 turns of the event loop after the first.
const INTERLEAVINGS = 8;

let env: UploadTestEnv;
beforeEach(async () => {
  env = await makeUploadTestEnv();
});
afterEach(async () => {
  await validationsSettled();
  await env.close();
});

/** An upload with all its bytes received and no finish yet (as the last PATCH leaves it before its hook). */
async function complete(name: string): Promise<{ id: string; imageId: string; bytes: Buffer }> {
  const id = randomBytes(16).toString("hex");
  const bytes = randomBytes(256 << 10);
  const created = await createUpload(env.uploads, env.alice, { id, length: bytes.length, metadata: { name } });
  if (!created.ok) throw new Error(created.error.message);
  await env.open(id, bytes.length);
  await env.patch(id, bytes, 0);
  return { id, imageId: created.value.imageId, bytes };
}

async function later<T>(turns: number, run: () => Promise<T>): Promise<T> {
  for (let turn = 0; turn < turns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
  return run();
}

/** Another process finishing the same upload: the same database and directories, its own running hashes. */
const anotherProcess = (): UploadDeps => otherProcess(env);

/**
 * What must hold after any race: every image waiting for bytes has its upload record; every image past
 * uploading has its bytes in storage, whole, and its upload's record (if any) says complete; every stored
 * file and (after the orphan sweep) every partial file has its record.
 */
async function expectConsistent(): Promise<void> {
  await validationsSettled();
  await removeExpiredUploads(env.uploads);
  const images = await env.db.image.findMany({ include: { upload: true } });
  for (const image of images) {
    if (image.status === "uploading") expect(image.upload, image.name).not.toBeNull();
    else {
      expect(image.upload?.offset ?? image.fileSize, image.name).toBe(image.fileSize);
      expect(await env.deps.store.size(image.storageKey ?? ""), image.name).toBe(Number(image.fileSize));
    }
  }
  const keys = new Set(images.map((image) => image.storageKey));
  expect((await env.storedKeys()).filter((key) => !keys.has(key))).toEqual([]);
  const uploads = new Set((await env.db.upload.findMany({ select: { id: true } })).map((upload) => upload.id));
  expect((await env.uploads.area.leftovers()).filter((id) => !uploads.has(id))).toEqual([]);
}

describe("races for an image's status", () => {
  it("two finishes of one upload, in one process or two: one moves the image, both answer with it", async () => {
    for (let turns = 0; turns < INTERLEAVINGS; turns += 1) {
      for (const second of [() => env.uploads, anotherProcess]) {
        const { id, imageId, bytes } = await complete(`twice-${turns}-${second === anotherProcess ? "two" : "one"}`);
        const results = await Promise.all([finishUpload(env.uploads, id), later(turns, () => finishUpload(second(), id))]);
        expect(results).toEqual([
          { ok: true, value: { imageId } },
          { ok: true, value: { imageId } },
        ]);
        const image = await env.db.image.findUniqueOrThrow({ where: { id: imageId } });
        expect(image.status).not.toBe("uploading");
        expect((await storedBytes(env.deps.store, image.storageKey)).equals(bytes)).toBe(true);
      }
    }
    await expectConsistent();
  });

  it("a finish and a deletion: the image goes, with its bytes wherever they were", async () => {
    for (let turns = 0; turns < INTERLEAVINGS; turns += 1) {
      for (const deleteFirst of [false, true]) {
        const { id, imageId } = await complete(`deleted-${turns}-${deleteFirst}`);
        const finish = () => finishUpload(env.uploads, id);
        const remove = () => deleteImage(env.deps, env.alice, imageId);
        const [finished, deleted] = deleteFirst
          ? (await Promise.all([remove(), later(turns, finish)])).reverse()
          : await Promise.all([finish(), later(turns, remove)]);
        // Either may come second and find the image gone; neither fails otherwise.
        expect([finished.ok || finished.error.code, deleted.ok || deleted.error.code]).toEqual([
          expect.toBeOneOf([true, "not_found", "gone"]),
          expect.toBeOneOf([true, "not_found"]),
        ]);
        expect(await env.db.image.findUnique({ where: { id: imageId } })).toBeNull();
      }
    }
    await expectConsistent();
  });

  it("validation and a deletion: the deletion wins, and validation writes nothing", async () => {
    for (let turns = 0; turns < INTERLEAVINGS; turns += 1) {
      const imageId = await env.addImage({ owner: env.alice, name: `validating-${turns}`, visibility: "private", status: "validating" });
      const [, deleted] = await Promise.all([validateImage(env.deps, imageId), later(turns, () => deleteImage(env.deps, env.alice, imageId))]);
      expect(deleted.ok).toBe(true);
      expect(await env.db.image.findUnique({ where: { id: imageId } })).toBeNull();
    }
    await expectConsistent();
  });

  it("expiry and a finish: the upload either finishes or expires whole, never half of each", async () => {
    const outcomes = new Set<string>();
    // Besides the interleavings, each writer once alone before the other starts ("after"), so that both endings
    // are reached however a loaded machine schedules the concurrent runs.
    for (const turns of [...Array.from({ length: INTERLEAVINGS }, (_, turn) => turn), "after" as const]) {
      for (const expireFirst of [false, true]) {
        const { id, imageId } = await complete(`expiring-${String(turns)}-${String(expireFirst)}`);
        // Its last byte long ago, as if the finish had been waiting since.
        await env.db.upload.update({ where: { id }, data: { lastByteAt: new Date(0) } });
        const finish = () => finishUpload(env.uploads, id);
        const expire = () => removeExpiredUploads(env.uploads);
        const race = async <A, B>(first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> =>
          turns === "after" ? [await first(), await second()] : Promise.all([first(), later(turns, second)]);
        const finished = expireFirst ? (await race(expire, finish))[1] : (await race(finish, expire))[0];
        const image = await env.db.image.findUnique({ where: { id: imageId } });
        expect(finished.ok).toBe(image !== null);
        outcomes.add(image ? "finished" : "expired");
      }
    }
    await expectConsistent();
    // The interleavings covered both endings.
    expect([...outcomes].sort()).toEqual(["expired", "finished"]);
  });
});
