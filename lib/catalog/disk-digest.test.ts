import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { imageSchema, toApiImage } from "../api/schemas";
import { referenceDigest } from "../convert/testing/reference-digest";
import { qemuImg, qemuImgMissing } from "../inspect/testing/qemu-img";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { fixtureFamily } from "../testing/fixtures";
import { publishImage } from "./publish";
import { getImage } from "./queries";
import { storeImageFile } from "./register";
import { validationsSettled } from "./validation";

const guests = fixtureFamily("guests");
const convert = fixtureFamily("convert");
const skip = guests.skipped ?? convert.skipped ?? qemuImgMissing;

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterEach(async () => {
  await validationsSettled();
});
afterAll(async () => {
  await env.close();
});

/** Stores a copy of `file` as a new private image of Alice's, as registration and the upload finish do, and waits for its validation. */
async function store(file: string, name: string): Promise<string> {
  const copy = path.join(env.dir, "incoming", name, path.basename(file));
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.copyFileSync(file, copy);
  const result = await storeImageFile(env.deps, { owner: env.alice, visibility: "private", name, filePath: copy, properties: {} });
  if (!result.ok) throw new Error(result.error.message);
  await validationsSettled();
  return result.value.id;
}

const apiImage = async (id: string, actor = env.alice) => {
  const image = await getImage(env.deps, actor, id);
  if (!image.ok) throw new Error(image.error.message);
  return imageSchema.parse(toApiImage(image.value));
};

describe.skipIf(skip)("the virtual-disk digest of every validated image", () => {
  it("is the same for the raw, the QCOW2 and the VHD (converted) of one disk, and is the documented one; the API gives it", async () => {
    const qcow2 = guests.file("debian12-gpt-ext4.qcow2");
    const raw = path.join(env.dir, "debian.raw");
    expect(qemuImg(["convert", "-f", "qcow2", "-O", "raw", qcow2, raw]).ok).toBe(true);
    const expected = referenceDigest(raw);

    const ids = [await store(qcow2, "as-qcow2"), await store(raw, "as-raw"), await store(convert.file("debian12-guest.vhd"), "as-vhd")];
    const images = await Promise.all(ids.map((id) => apiImage(id)));
    expect(images.map((image) => [image.status, image.diskFormat, image.diskDigest])).toEqual([
      ["ready", "qcow2", expected],
      ["ready", "raw", expected],
      ["ready", "qcow2", expected],
    ]);
    expect(images.map((image) => image.convertedFrom?.format ?? null)).toEqual([null, null, "vhd"]);
    expect(images[2].convertedFrom).toMatchObject({ format: "vhd", subformat: "dynamic", fileSize: fs.statSync(convert.file("debian12-guest.vhd")).size });

    // A published copy is the same disk: its digest and origin go with it.
    const published = await publishImage(env.deps, env.admin, ids[2], "debian-published");
    if (!published.ok) throw new Error(published.error.message);
    const copy = await apiImage(published.value.id, env.admin);
    expect([copy.diskDigest, copy.convertedFrom?.format]).toEqual([expected, "vhd"]);
  });

  it("is not computed for a rejected image", async () => {
    const id = await store(convert.file("disk.qcow2"), "no-os");
    const image = await apiImage(id);
    expect([image.status, image.diskDigest]).toEqual(["rejected", null]);
  });
});
