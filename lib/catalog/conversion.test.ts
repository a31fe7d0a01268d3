import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { qemuImg, qemuImgMissing } from "../inspect/testing/qemu-img";
import { referenceDigest } from "../convert/testing/reference-digest";
import { fixtureFamily } from "../testing/fixtures";
import { storedFile } from "../testing/stored";
import { makeUploadTestEnv, type UploadTestEnv } from "../testing/upload-env";
import { GiB } from "../uploads/config";
import { createUpload } from "../uploads/create";
import { finishUpload } from "../uploads/finish";
import { conversionTarget } from "./conversion";
import { writeWhile } from "./lifecycle";
import { resumePendingValidations, validationsSettled } from "./validation";

const convert = fixtureFamily("convert");
const formats = fixtureFamily("formats");
const skip = convert.skipped ?? formats.skipped ?? qemuImgMissing;

let env: UploadTestEnv;
beforeAll(async () => {
  env = await makeUploadTestEnv({ userQuota: 20 * GiB });
});
afterEach(async () => {
  await validationsSettled();
  delete process.env.HANGAR_CONVERT_TO;
});
afterAll(async () => {
  await env.close();
});

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Uploads a file as a client does (create, PATCH in two requests, finish) and waits for its validation. */
async function upload(file: string, name: string): Promise<string> {
  const bytes = fs.readFileSync(file);
  const id = randomBytes(16).toString("hex");
  const metadata = { name, filename: path.basename(file), sha256: sha256(file) };
  const created = await createUpload(env.uploads, env.alice, { id, length: bytes.length, metadata });
  if (!created.ok) throw new Error(created.error.message);
  await env.open(id, bytes.length);
  const half = Math.floor(bytes.length / 2);
  await env.patch(id, fs.createReadStream(file, { end: half - 1 }), 0);
  await env.patch(id, fs.createReadStream(file, { start: half }), half);
  const finished = await finishUpload(env.uploads, id);
  if (!finished.ok) throw new Error(finished.error.message);
  await validationsSettled();
  return created.value.imageId;
}

const image = (id: string) => env.db.image.findUniqueOrThrow({ where: { id }, include: { disk: true } });
const stored = (key: string | null) => storedFile(env.deps.store, key, env.dir);
interface Report {
  verdict: string;
  format: string;
  checks: { id: string; code: string; status: string; message: string }[];
}
const reportOf = async (id: string) => JSON.parse((await image(id)).report ?? "null") as Report;

describe.skipIf(skip)("uploads in VHD, VHDX, VDI and QED are converted on the server, then validated", () => {
  it("a Debian guest uploaded as a dynamic VHD, refused before only for its container, is converted to QCOW2 and accepted", async () => {
    const vhd = convert.file("debian12-guest.vhd");
    const id = await upload(vhd, "debian-vhd");
    const row = await image(id);
    const report = await reportOf(id);
    expect([row.status, row.diskFormat, report.verdict, report.format]).toEqual(["ready", "qcow2", "accepted", "qcow2"]);
    expect(report.checks.filter((check) => check.status === "fail")).toEqual([]);
    expect(report.checks[0]).toMatchObject({ id: "upload.checksum", status: "pass" });
    expect(report.checks[1]).toMatchObject({ id: "upload.conversion", code: "upload.converted", status: "pass" });
    expect(report.checks[1].message).toContain("Converted from VHD (dynamic) to QCOW2");
    // The original's format, size and digest are recorded; the image's own columns describe the converted file.
    const file = await stored(row.storageKey);
    expect(row.disk).toMatchObject({
      originalFormat: "vhd",
      originalSubformat: "dynamic",
      originalSize: BigInt(fs.statSync(vhd).size),
      originalSha256: sha256(vhd),
    });
    expect([Number(row.fileSize), row.sha256]).toEqual([fs.statSync(file).size, sha256(file)]);
    expect(report.checks[1].message).toContain(row.disk?.digest);
    expect(qemuImg(["compare", "-f", "vpc", "-F", "qcow2", vhd, file]).ok).toBe(true);
    expect(qemuImg(["check", "-f", "qcow2", file]).ok).toBe(true);
    // Only the converted bytes are left in the store, and nothing in the conversions' directory.
    expect(await env.storedKeys()).toEqual([row.storageKey]);
    expect(fs.readdirSync(env.deps.scratchDir)).toEqual([]);
  });

  it.each([
    ["disk-fixed.vhd", "vpc", "VHD (fixed)"],
    ["disk.vhdx", "vhdx", "VHDX (dynamic)"],
    ["disk.vdi", "vdi", "VDI (dynamic)"],
    ["disk.qed", "qed", "QED"],
  ])("%s is converted (the disk has no OS: rejected for that, not for its container)", async (fixture, qemuFormat, label) => {
    const id = await upload(convert.file(fixture), `disk-${fixture}`);
    const row = await image(id);
    const report = await reportOf(id);
    expect([row.status, row.diskFormat]).toEqual(["rejected", "qcow2"]);
    expect(report.checks.find((check) => check.id === "upload.conversion")?.message).toContain(`Converted from ${label} to QCOW2`);
    expect(report.checks.find((check) => check.id === "format.supported")).toMatchObject({ status: "pass" });
    // The digest of the disk as qemu reads it (a VHD sized by its geometry is a little smaller than disk.raw).
    const raw = path.join(env.dir, `${fixture}.raw`);
    expect(qemuImg(["convert", "-f", qemuFormat, "-O", "raw", convert.file(fixture), raw]).ok).toBe(true);
    expect(row.disk?.digest).toBe(referenceDigest(raw));
    expect(qemuImg(["compare", "-f", qemuFormat, "-F", "qcow2", convert.file(fixture), await stored(row.storageKey)]).ok).toBe(true);
  });

  it("converts to raw when HANGAR_CONVERT_TO=raw says so", async () => {
    process.env.HANGAR_CONVERT_TO = "raw";
    const id = await upload(convert.file("disk.vhdx"), "disk-to-raw");
    const row = await image(id);
    expect(row.diskFormat).toBe("raw");
    expect((await reportOf(id)).checks.find((check) => check.id === "upload.conversion")?.message).toContain("Converted from VHDX (dynamic) to raw");
    expect(qemuImg(["compare", "-f", "vhdx", "-F", "raw", convert.file("disk.vhdx"), await stored(row.storageKey)]).ok).toBe(true);
  });

  it("does not convert what the inspector judged unsafe: a QED with a backing file is refused as it was", async () => {
    const id = await upload(formats.file("hostile-backing.qed"), "backing-qed");
    const row = await image(id);
    const report = await reportOf(id);
    expect([row.status, row.diskFormat, row.disk]).toEqual(["rejected", "qed", null]);
    expect(report.checks.find((check) => check.id === "upload.conversion")).toBeUndefined();
    expect(report.checks.find((check) => check.id === "format.safe")).toMatchObject({ status: "fail" });
  });

  it("a restart converts again from the start, over what an interrupted conversion left", async () => {
    const id = await upload(convert.file("disk.qed"), "restarted");
    const first = await image(id);
    // As a crash after the conversion was put in place and before the verdict leaves it: validating, the converted bytes stored.
    await env.db.image.update({ where: { id }, data: { status: "validating" } });
    expect(await resumePendingValidations(env.deps)).toBe(1);
    await validationsSettled();
    const again = await image(id);
    expect([again.status, again.storageKey, again.disk?.originalFormat]).toEqual(["rejected", first.storageKey, "qed"]);
    expect((await reportOf(id)).checks.find((check) => check.id === "upload.conversion")?.message).toContain("Converted from QED to QCOW2");

    // As a crash in the middle of a conversion: the original still stored, a partial output in the image's directory.
    const original = path.join(env.dir, "original.vdi");
    fs.copyFileSync(convert.file("disk.vdi"), original);
    const key = "restartedoriginal";
    await env.deps.store.adopt(key, original);
    fs.mkdirSync(path.join(env.deps.scratchDir, id), { recursive: true });
    fs.writeFileSync(path.join(env.deps.scratchDir, id, "converted.qcow2"), "half");
    await env.db.imageDisk.delete({ where: { imageId: id } });
    await env.deps.store.remove(again.storageKey ?? "");
    await writeWhile(env.db, id, ["rejected"], {
      storageKey: key,
      sha256: sha256(convert.file("disk.vdi")),
      declaredSha256: sha256(convert.file("disk.vdi")),
      fileSize: BigInt(fs.statSync(convert.file("disk.vdi")).size),
    });
    await env.db.image.update({ where: { id }, data: { status: "validating" } });
    await resumePendingValidations(env.deps);
    await validationsSettled();
    const third = await image(id);
    expect([third.diskFormat, third.disk?.originalFormat]).toEqual(["qcow2", "vdi"]);
    expect(qemuImg(["compare", "-f", "vdi", "-F", "qcow2", convert.file("disk.vdi"), await stored(third.storageKey)]).ok).toBe(true);
    expect(fs.existsSync(path.join(env.deps.scratchDir, id))).toBe(false);
  });
});

describe("what images are converted to", () => {
  it("reads HANGAR_CONVERT_TO, and refuses a value it does not know", () => {
    expect(conversionTarget({})).toBe("qcow2");
    expect(conversionTarget({ HANGAR_CONVERT_TO: " RAW " })).toBe("raw");
    expect(() => conversionTarget({ HANGAR_CONVERT_TO: "vmdk" })).toThrow("HANGAR_CONVERT_TO");
  });
});
