import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../testing/fixtures";
import type { UnfinishedUpload } from "../list";
import { sampleFingerprint } from "../sample-fingerprint";
import { type PlanContext, planUpload, resumeStart, startOf, type UploadPlan } from "./plan";

const family = fixtureFamily("formats");
const MiB = 1024 * 1024;

async function fixtureFile(fixture: string, name = fixture): Promise<File> {
  return new File([await fs.openAsBlob(family.file(fixture))], name);
}

/** A file of `size` bytes whose content depends on `seed`. */
function bytesFile(name: string, size: number, seed = 1): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + seed * 7) & 0xff;
  return new File([bytes], name);
}

const context = (overrides: Partial<PlanContext> = {}): PlanContext => ({
  visibility: "private",
  limits: { maxImageSize: 400 * 1024 * MiB, quota: null, canUploadPlatform: false },
  unfinished: [],
  remembered: [],
  ...overrides,
});

function unfinished(id: string, fileName: string, length: number, metadata: Record<string, string>): UnfinishedUpload {
  return {
    id,
    url: `/api/v1/uploads/${id}`,
    imageId: `image-${id}`,
    fileName,
    length,
    offset: Math.floor(length / 3),
    metadata,
    createdAt: "2025-01-01T00:00:00.000Z",
    lastByteAt: "2025-01-01T00:00:00.000Z",
    expiresAt: "2025-01-02T00:00:00.000Z",
  };
}

describe.skipIf(family.skipped)("planUpload", () => {
  it("accepts a QCOW2 with its format and disk size, proposes the file name without its extension, and samples the file", async () => {
    const file = await fixtureFile("qcow2-c64k.qcow2", "debian-12-genericcloud-amd64.qcow2");
    const plan = await planUpload(file, context());
    expect(plan.precheck).toMatchObject({ state: "accepted", format: "qcow2" });
    expect(plan.precheck.state === "accepted" ? plan.precheck.virtualSize : null).toBeGreaterThan(0);
    expect(plan.name).toBe("debian-12-genericcloud-amd64");
    expect(plan.sample).toBe(await sampleFingerprint(file));
    expect(plan.sample).toMatch(/^[0-9a-f]{64}$/);
    expect([plan.resume, plan.blocked]).toEqual([null, null]);
  });

  it("takes a VHD, which the server converts, and names its container as the report will", async () => {
    const plan = await planUpload(await fixtureFile("vhd-dynamic.vhd", "legacy-server.vhd"), context());
    expect(plan.precheck).toMatchObject({ state: "converted", format: "vhd", container: "VHD (dynamic)" });
    expect(plan.blocked).toBeNull();
  });

  it("refuses a compressed image with the command that unpacks it", async () => {
    const plan = await planUpload(await fixtureFile("plain.raw.gz", "debian.raw.gz"), context());
    expect(plan.precheck.state).toBe("rejected");
    const checks = plan.precheck.state === "rejected" ? plan.precheck.checks : [];
    expect(checks.map((check) => check.fix).join(" ")).toContain("gunzip -k debian.raw.gz");
  });

  it("continues the unfinished upload of the same file name, size and sample, under that upload's name", async () => {
    const file = bytesFile("appliance.raw", 3 * MiB);
    const sample = (await sampleFingerprint(file)) ?? "";
    const other = unfinished("b", "appliance.raw", 3 * MiB, { name: "appliance", sample: "0".repeat(64) });
    const same = unfinished("a", "appliance.raw", 3 * MiB, { name: "Appliance 2", sample });
    const plan = await planUpload(file, context({ unfinished: [other, same] }));
    expect(plan.resume?.id).toBe("a");
    expect(plan.name).toBe("Appliance 2");
  });

  it("starts anew when the unfinished upload of that name has another size, or the same size and other content", async () => {
    const file = bytesFile("appliance.raw", 3 * MiB);
    const sizes = await planUpload(file, context({ unfinished: [unfinished("a", "appliance.raw", 3 * MiB + 1, {})] }));
    expect(sizes.resume).toBeNull();
    const impostor = bytesFile("appliance.raw", 3 * MiB, 2);
    const content = await planUpload(
      file,
      context({ unfinished: [unfinished("a", "appliance.raw", 3 * MiB, { sample: (await sampleFingerprint(impostor)) ?? "" })] }),
    );
    expect(content.resume).toBeNull();
    expect(content.name).toBe("appliance");
  });

  it("continues the upload tus-js-client remembers for the file even under another file name", async () => {
    const file = bytesFile("renamed.raw", 3 * MiB);
    const upload = unfinished("c", "original.raw", 3 * MiB, { name: "original", sample: (await sampleFingerprint(file)) ?? "" });
    const plan = await planUpload(file, context({ unfinished: [upload], remembered: ["http://hangar.example/api/v1/uploads/c"] }));
    expect(plan.resume?.id).toBe("c");
    expect((await planUpload(file, context({ unfinished: [upload] }))).resume).toBeNull();
  });

  it("blocks a file over the size limit, and a private one over the quota, with the server's messages", async () => {
    const file = bytesFile("big.raw", 3 * MiB);
    const tooLarge = await planUpload(file, context({ limits: { maxImageSize: 2 * MiB, quota: null, canUploadPlatform: false } }));
    expect(tooLarge.blocked).toBe("This file is 3 MiB; Hangar accepts images up to 2 MiB.");
    const limits = { maxImageSize: 10 * MiB, quota: { used: 8 * MiB, limit: 10 * MiB }, canUploadPlatform: true };
    expect((await planUpload(file, context({ limits }))).blocked).toMatch(/^This image needs 3 MiB, but only 2 MiB of your 10 MiB quota is left/);
    // Platform images count toward nobody's quota; an unfinished upload already counts at its full length.
    expect((await planUpload(file, context({ limits, visibility: "platform" }))).blocked).toBeNull();
    const resumed = await planUpload(file, context({ limits, unfinished: [unfinished("a", "big.raw", 3 * MiB, {})] }));
    expect([resumed.resume?.id, resumed.blocked]).toEqual(["a", null]);
  });
});

describe("startOf", () => {
  const file = bytesFile("debian-12.qcow2", 1024);
  const plan: UploadPlan = {
    name: "debian-12",
    precheck: { state: "accepted", format: "qcow2", virtualSize: 1024 },
    sample: "ab".repeat(32),
    resume: null,
    blocked: null,
  };

  it("sends the chosen name, the file name, the visibility, the properties set and the sample", () => {
    const start = startOf(file, plan, {
      name: "  Debian 12 ",
      visibility: "platform",
      properties: { minMemoryMiB: "1024", description: " ", osDistro: "debian" },
    });
    expect(start).toEqual({
      ok: true,
      value: {
        file,
        name: "Debian 12",
        visibility: "platform",
        metadata: { name: "Debian 12", filename: "debian-12.qcow2", visibility: "platform", minMemoryMiB: "1024", osDistro: "debian", sample: "ab".repeat(32) },
        resumeUrl: null,
      },
    });
  });

  it("refuses an empty name, a blocked file and a file the precheck rejected", () => {
    expect(startOf(file, plan, { name: "  ", visibility: "private", properties: {} })).toEqual({
      ok: false,
      error: { code: "invalid", message: "Give the image a name.", fields: { name: "Give the image a name." } },
    });
    expect(startOf(file, { ...plan, blocked: "Too large." }, { name: "x", visibility: "private", properties: {} })).toMatchObject({ ok: false });
    const rejected: UploadPlan = { ...plan, precheck: { state: "rejected", checks: [] } };
    expect(startOf(file, rejected, { name: "x", visibility: "private", properties: {} })).toMatchObject({ ok: false });
  });

  it("continues an unfinished upload with its own metadata and URL, whatever was typed", () => {
    const resume = unfinished("a", "debian-12.qcow2", 1024, { name: "Debian", visibility: "platform", sample: "cd".repeat(32) });
    const start = startOf(file, { ...plan, name: "Debian", resume }, { name: "", visibility: "private", properties: { minMemoryMiB: "1" } });
    expect(start).toEqual({ ok: true, value: { file, name: "Debian", visibility: "platform", metadata: resume.metadata, resumeUrl: "/api/v1/uploads/a" } });
  });
});

describe("resumeStart", () => {
  it("continues with the same file, and refuses another size or other content of the same size", async () => {
    const file = bytesFile("appliance.raw", 3 * MiB);
    const upload = unfinished("a", "appliance.raw", 3 * MiB, { name: "appliance", sample: (await sampleFingerprint(file)) ?? "" });
    expect(await resumeStart(file, upload)).toMatchObject({ ok: true, value: { name: "appliance", visibility: "private", resumeUrl: "/api/v1/uploads/a" } });
    expect(await resumeStart(bytesFile("appliance.raw", 2 * MiB), upload)).toMatchObject({
      ok: false,
      error: { message: "That file is 2 MiB; this upload is 3 MiB. Select appliance.raw." },
    });
    const other = await resumeStart(bytesFile("appliance.raw", 3 * MiB, 5), upload);
    expect(other.ok ? "" : other.error.message).toMatch(/^This is not the file that upload started with/);
  });
});
