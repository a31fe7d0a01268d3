import fs from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { fixtureFamily } from "../../testing/fixtures";
import type { UnfinishedUpload } from "../list";
import { sampleFingerprint } from "../sample-fingerprint";
import { type IntakeDeps, refused, startable, UploadIntake } from "./intake";
import type { UploadStart } from "./plan";
import type { StartResult } from "./upload-manager";

const family = fixtureFamily("formats");
const limits = { maxImageSize: 100 * 1024 * 1024, quota: null, canUploadPlatform: true };

const qcow2 = async (name: string) => new File([await fs.openAsBlob(family.file("qcow2-c64k.qcow2"))], name);
const vhd = async (name: string) => new File([await fs.openAsBlob(family.file("vhd-dynamic.vhd"))], name);
const gzipped = async (name: string) => new File([await fs.openAsBlob(family.file("plain.raw.gz"))], name);

function setup(overrides: Partial<IntakeDeps> = {}) {
  const started: UploadStart[] = [];
  const results: StartResult[] = [];
  let keys = 0;
  const intake = new UploadIntake({
    start: (start) => {
      started.push(start);
      return Promise.resolve(results.shift() ?? { ok: true });
    },
    unfinished: () => Promise.resolve([]),
    remembered: () => Promise.resolve([]),
    key: () => `draft-${(keys += 1)}`,
    ...overrides,
  });
  const checked = () => vi.waitUntil(() => intake.getSnapshot()?.drafts.every((draft) => draft.plan !== null));
  return { intake, started, results, checked };
}

describe.skipIf(family.skipped)("UploadIntake", () => {
  it("offers each file under a name from its file name, checks it, and starts it with the name and properties chosen", async () => {
    const { intake, started, checked } = setup();
    intake.offer([await qcow2("debian-12-genericcloud-amd64.qcow2")], "platform", limits);
    expect(intake.getSnapshot()?.drafts.map((draft) => [draft.name, draft.plan])).toEqual([["debian-12-genericcloud-amd64", null]]);
    await checked();
    const draft = intake.getSnapshot()?.drafts[0];
    expect(draft?.plan?.precheck).toMatchObject({ state: "accepted", format: "qcow2" });
    intake.edit("draft-1", { name: "Debian 12", properties: { minMemoryMiB: "1024" } });
    await intake.start();
    expect(started.map((start) => [start.name, start.visibility, start.metadata.minMemoryMiB, start.resumeUrl])).toEqual([
      ["Debian 12", "platform", "1024", null],
    ]);
    // Everything started: the dialog closes.
    expect(intake.getSnapshot()).toBeNull();
  });

  it("uploads into the project the catalog's switcher chose (Upload-Metadata project), and a platform upload names none", async () => {
    const { intake, started, checked } = setup();
    const teamLimits = { ...limits, quota: { used: 10, limit: 1024 ** 3 } };
    intake.offer([await qcow2("team.qcow2")], "private", teamLimits, { id: "project-1", name: "Team" });
    expect(intake.getSnapshot()).toMatchObject({ project: { id: "project-1", name: "Team" }, limits: teamLimits });
    await checked();
    await intake.start();
    intake.offer([await qcow2("platform.qcow2")], "platform", limits, { id: "project-1", name: "Team" });
    expect(intake.getSnapshot()?.project).toBeNull();
    await checked();
    await intake.start();
    expect(started.map((start) => [start.name, start.metadata.project])).toEqual([
      ["team", "project-1"],
      ["platform", undefined],
    ]);
  });

  it("refuses a compressed image before a byte is sent and starts the others, a VHD the server converts among them", async () => {
    const { intake, started, checked } = setup();
    intake.offer([await gzipped("legacy.raw.gz"), await vhd("legacy.vhd"), await qcow2("good.qcow2")], "private", limits);
    await checked();
    const drafts = intake.getSnapshot()?.drafts ?? [];
    expect(drafts.map((draft) => [draft.file.name, refused(draft), startable(draft)])).toEqual([
      ["legacy.raw.gz", true, false],
      ["legacy.vhd", false, true],
      ["good.qcow2", false, true],
    ]);
    await intake.start();
    expect(started.map((start) => start.file.name)).toEqual(["legacy.vhd", "good.qcow2"]);
    expect(intake.getSnapshot()).toBeNull();
  });

  it("keeps the dialog open with the server's refusal on the file, and starts it again once fixed", async () => {
    const { intake, started, results, checked } = setup();
    results.push({ ok: false, message: "You already have an image named good." });
    intake.offer([await qcow2("good.qcow2")], "private", limits);
    await checked();
    await intake.start();
    expect(intake.getSnapshot()?.drafts[0]).toMatchObject({ error: "You already have an image named good.", started: false });
    intake.edit("draft-1", { name: "good-2" });
    expect(intake.getSnapshot()?.drafts[0]?.error).toBeNull();
    await intake.start();
    expect(started.map((start) => start.name)).toEqual(["good", "good-2"]);
    expect(intake.getSnapshot()).toBeNull();
  });

  it("says what is wrong with a name on its field, and starts nothing", async () => {
    const { intake, started, checked } = setup();
    intake.offer([await qcow2("good.qcow2")], "private", limits);
    await checked();
    intake.edit("draft-1", { name: "   " });
    await intake.start();
    expect(intake.getSnapshot()?.drafts[0]?.nameError).toBe("Give the image a name.");
    expect(started).toEqual([]);
  });

  it("continues the unfinished upload of the same file, under its name", async () => {
    const file = await qcow2("debian.qcow2");
    const upload: UnfinishedUpload = {
      id: "abc",
      url: "/api/v1/uploads/abc",
      imageId: "image-abc",
      fileName: "debian.qcow2",
      length: file.size,
      offset: 1000,
      metadata: { name: "Debian (first try)", sample: (await sampleFingerprint(file)) ?? "" },
      createdAt: "2025-01-01T00:00:00.000Z",
      lastByteAt: "2025-01-01T00:00:00.000Z",
      expiresAt: "2025-01-02T00:00:00.000Z",
    };
    const { intake, started, checked } = setup({ unfinished: () => Promise.resolve([upload]) });
    intake.offer([file], "private", limits);
    await checked();
    expect(intake.getSnapshot()?.drafts[0]?.name).toBe("Debian (first try)");
    await intake.start();
    expect(started.map((start) => [start.name, start.resumeUrl, start.metadata])).toEqual([["Debian (first try)", "/api/v1/uploads/abc", upload.metadata]]);
  });

  it("closes on request and forgets files removed from it; a new offer replaces the old one", async () => {
    const { intake, checked } = setup();
    intake.offer([await qcow2("a.qcow2"), await qcow2("b.qcow2")], "private", limits);
    intake.remove("draft-1");
    expect(intake.getSnapshot()?.drafts.map((draft) => draft.file.name)).toEqual(["b.qcow2"]);
    intake.offer([await qcow2("c.qcow2")], "platform", limits);
    expect(intake.getSnapshot()).toMatchObject({ visibility: "platform", drafts: [{ key: "draft-3" }] });
    await checked();
    intake.close();
    expect(intake.getSnapshot()).toBeNull();
    intake.offer([], "private", limits);
    expect(intake.getSnapshot()).toBeNull();
  });
});
