import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { downloadImageOperation } from "../api/operations";
import { imageSchema, toApiImage } from "../api/schemas";
import { referenceDigest } from "../convert/testing/reference-digest";
import { qemuImg, qemuImgMissing } from "../inspect/testing/qemu-img";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { fixtureFamily } from "../testing/fixtures";
import { openDownload } from "./download";
import type { ExportFormat } from "./export";
import { deleteImage } from "./mutations";
import { publishImage } from "./publish";
import { getImage } from "./queries";
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
  const id = await env.storeCopy(file, name);
  await validationsSettled();
  return id;
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

/** Downloads an image as Alice, to a file; returns the response's status and headers. */
async function download(id: string, format: ExportFormat | undefined, out: string, range?: string, acceptEncoding?: string) {
  const answer = await openDownload(env.deps, env.alice, id, range, { format, acceptEncoding });
  if (!answer.ok) throw new Error(answer.error.message);
  await pipeline(answer.value.body as Readable, fs.createWriteStream(out));
  return answer.value;
}

const digestOf = async (id: string) => (await env.db.imageDisk.findUnique({ where: { imageId: id } }))?.digest;

describe.skipIf(skip)("downloading an image in another format", () => {
  it("exports a QCOW2 as raw and back as QCOW2: the same disk, and a re-upload of each export has the same digest", async () => {
    const qcow2 = guests.file("debian12-gpt-ext4.qcow2");
    const id = await store(qcow2, "debian");
    const digest = await digestOf(id);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);

    const raw = path.join(env.dir, "debian.raw");
    const asRaw = await download(id, "raw", raw);
    expect(asRaw.status).toBe(200);
    expect(asRaw.headers).toMatchObject({ "content-length": String(fs.statSync(raw).size), "x-disk-digest": digest, etag: `"${digest}.raw"` });
    expect(asRaw.headers["content-disposition"]).toContain('filename="debian.raw"');
    expect(qemuImg(["compare", "-f", "qcow2", "-F", "raw", qcow2, raw]).ok).toBe(true);

    const reRaw = await store(raw, "debian-from-raw");
    expect([(await env.db.image.findUniqueOrThrow({ where: { id: reRaw } })).diskFormat, await digestOf(reRaw)]).toEqual(["raw", digest]);

    // The raw image exported as QCOW2: qemu-img reads the same disk, and the QCOW2 re-uploaded has the same digest.
    const back = path.join(env.dir, "debian-back.qcow2");
    expect((await download(reRaw, "qcow2", back)).headers["content-disposition"]).toContain(".qcow2");
    expect(qemuImg(["check", "-f", "qcow2", back]).ok).toBe(true);
    expect(qemuImg(["compare", "-f", "raw", "-F", "qcow2", raw, back]).ok).toBe(true);
    expect(await digestOf(await store(back, "debian-back"))).toBe(digest);
  });

  it("answers a Range of an export with the bytes of the same exported file, request after request (raw: disk offsets)", async () => {
    const id = await store(guests.file("debian12-gpt-ext4.qcow2"), "ranged");
    const whole = path.join(env.dir, "whole.raw");
    await download(id, "raw", whole);
    const part = path.join(env.dir, "part.raw");
    const answer = await download(id, "raw", part, "bytes=1048576-2097151");
    expect([answer.status, answer.headers["content-range"]]).toEqual([206, `bytes 1048576-2097151/${fs.statSync(whole).size}`]);
    expect(Buffer.compare(fs.readFileSync(part), fs.readFileSync(whole).subarray(1048576, 2097152))).toBe(0);
    // Asking for the format it is stored in is the stored file, with its SHA-256.
    const stored = await download(id, "qcow2", path.join(env.dir, "stored.qcow2"));
    const image = await env.db.image.findUniqueOrThrow({ where: { id } });
    expect(stored.headers["x-checksum-sha256"]).toBe(image.sha256);
    // Raw is read from the QCOW2 as it is sent: nothing kept. A VMDK is a kept file, and deleting the image removes it with its bytes.
    await download(id, "vmdk", path.join(env.dir, "kept.vmdk"));
    expect(fs.readdirSync(path.join(env.deps.scratchDir, "exports"))).toContain(`${image.storageKey}.vmdk`);
    expect(fs.readdirSync(path.join(env.deps.scratchDir, "exports"))).not.toContain(`${image.storageKey}.raw`);
    expect((await deleteImage(env.deps, env.alice, id)).ok).toBe(true);
    expect(fs.readdirSync(path.join(env.deps.scratchDir, "exports"))).not.toContain(`${image.storageKey}.vmdk`);
  });

  it("sends a whole raw disk gzip-encoded to a client that takes it, mostly as zeros cost nothing; a Range stays raw", async () => {
    const id = await store(guests.file("debian12-gpt-ext4.qcow2"), "encoded");
    const plain = path.join(env.dir, "plain.raw");
    const identity = await download(id, "raw", plain, undefined, "identity");
    expect(identity.headers).toMatchObject({ "content-length": String(fs.statSync(plain).size), vary: "accept-encoding" });
    expect(identity.headers["content-encoding"]).toBeUndefined();

    const gz = path.join(env.dir, "encoded.raw.gz");
    const encoded = await download(id, "raw", gz, undefined, "gzip, deflate, br, zstd");
    expect(encoded.headers).toMatchObject({ "content-encoding": "gzip", vary: "accept-encoding", etag: `${identity.headers.etag.slice(0, -1)}.gz"` });
    expect(encoded.headers["content-length"]).toBeUndefined();
    expect(execFileSync("gzip", ["--decompress", "--stdout", gz], { maxBuffer: 2 * fs.statSync(plain).size }).equals(fs.readFileSync(plain))).toBe(true);
    // The guest's data is a fraction of its disk: so are the bytes on the wire (the file as stored, QCOW2, is the yardstick).
    expect(fs.statSync(gz).size).toBeLessThan(1.1 * fs.statSync(guests.file("debian12-gpt-ext4.qcow2")).size);

    // A raw image as stored is encoded the same way; a Range, a client without gzip and another format are not.
    const rawImage = await store(plain, "encoded-raw");
    const stored = await download(rawImage, undefined, path.join(env.dir, "stored.raw.gz"), undefined, "gzip");
    expect(stored.headers["content-encoding"]).toBe("gzip");
    const ranged = await download(rawImage, undefined, path.join(env.dir, "ranged.raw"), "bytes=0-1023", "gzip");
    expect([ranged.status, ranged.headers["content-encoding"], fs.statSync(path.join(env.dir, "ranged.raw")).size]).toEqual([206, undefined, 1024]);
    expect((await download(rawImage, undefined, path.join(env.dir, "refused.raw"), undefined, "gzip;q=0")).headers["content-encoding"]).toBeUndefined();
    expect((await download(id, "qcow2", path.join(env.dir, "as-stored.qcow2"), undefined, "gzip")).headers["content-encoding"]).toBeUndefined();
  });

  it("exports a QCOW2 as a QCOW2 with compressed clusters: kept beside the plain one, smaller, the same disk; not to another user", async () => {
    const qcow2 = guests.file("debian12-gpt-ext4.qcow2");
    const id = await store(qcow2, "compressed");
    const digest = await digestOf(id);
    const out = path.join(env.dir, "compressed.qcow2");
    const answer = await openDownload(env.deps, env.alice, id, null, { format: "qcow2", compression: "zlib" });
    if (!answer.ok) throw new Error(answer.error.message);
    await pipeline(answer.value.body as Readable, fs.createWriteStream(out));
    // An export even of an image stored as QCOW2: its own file and validator, not the stored file's.
    expect(answer.value.headers).toMatchObject({ "x-disk-digest": digest, etag: `"${digest}.qcow2-zlib"`, "content-length": String(fs.statSync(out).size) });
    expect(answer.value.headers["x-checksum-sha256"]).toBeUndefined();
    expect(answer.value.headers["content-disposition"]).toContain('filename="compressed.qcow2"');
    const check = qemuImg(["check", "-f", "qcow2", out]);
    expect(check.stdout).toContain("No errors were found");
    expect(Number(/([\d.]+)% compressed clusters/.exec(check.stdout)?.[1])).toBeGreaterThan(0);
    expect(qemuImg(["compare", "-f", "qcow2", "-F", "qcow2", qcow2, out]).ok).toBe(true);
    expect(fs.statSync(out).size).toBeLessThan(fs.statSync(qcow2).size);
    const { storageKey } = await env.db.image.findUniqueOrThrow({ where: { id } });
    expect(fs.readdirSync(path.join(env.deps.scratchDir, "exports"))).toContain(`${storageKey}.qcow2-zlib`);
    expect(fs.readdirSync(path.join(env.deps.scratchDir, "exports"))).not.toContain(`${storageKey}.qcow2`);
    // Uploaded again, the same disk.
    expect(await digestOf(await store(out, "compressed-back"))).toBe(digest);
    // Bob cannot see Alice's private image: he cannot export it either, compressed or not.
    expect(await openDownload(env.deps, env.bob, id, null, { format: "qcow2", compression: "zlib" })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
  });

  it("refuses another user, and a format it does not write, with a message", async () => {
    const id = await store(guests.file("debian12-gpt-ext4.qcow2"), "private-one");
    expect(await openDownload(env.deps, env.bob, id, null, { format: "raw" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const query = downloadImageOperation.query.safeParse({ format: "vhd" });
    expect(query.success || query.error.issues[0]?.message).toBe("format is one of qcow2, raw, vmdk, or left out for the file as stored.");
    // Compression is for QCOW2, and only zlib.
    for (const wrong of [{ format: "raw", compression: "zlib" }, { compression: "zlib" }, { format: "vmdk", compression: "zlib" }]) {
      const refused = downloadImageOperation.query.safeParse(wrong);
      expect(refused.success || refused.error.issues[0]?.message).toBe("compression applies to format=qcow2 only.");
    }
    const unknown = downloadImageOperation.query.safeParse({ format: "qcow2", compression: "zstd" });
    expect(unknown.success || unknown.error.issues[0]?.message).toBe("compression is zlib, or left out.");
    expect(downloadImageOperation.query.safeParse({ format: "qcow2", compression: "zlib" }).success).toBe(true);
  });
});
