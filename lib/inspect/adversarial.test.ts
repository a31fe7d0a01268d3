import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { inspectImage } from "./index";
import { openFileReader } from "./readers/file";
import type { InspectionReport } from "./report";
import { GENERATORS, SEED_NAMES, type HostileCase, type Seeds } from "./testing/hostile-images";
import { prng } from "./testing/prng";
import { qemuImgMissing } from "./testing/qemu-img";
import { disagreements, type Disagreement } from "./testing/qemu-oracle";

/**
 * The adversarial harness: structure-aware hostile variants of the seed
 * images (lib/inspect/testing/hostile-images.ts), each judged by qemu
 * (lib/inspect/testing/qemu-oracle.ts). Whatever Hangar accepts, qemu must
 * open as the same format and size, without naming another file, with a
 * guest disk and partitions that probe as nothing qemu would follow, and
 * with the guest bytes Hangar read; and the quick (browser) depth must not
 * reject it. Only failures while reading guest data
 * (a compressed grain that inflates wrong) are let through: no table walk
 * sees them, and Hangar's own guest reader fails on them too.
 * The cases are fixed (a seed per generator), so a failure names its recipe.
 */
const family = fixtureFamily("formats");
const skip = family.skipped ?? qemuImgMissing;
const CASES_PER_GENERATOR = 60;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-adversarial-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const loadSeeds = (): Seeds => new Map(SEED_NAMES.map((name) => [name, new Uint8Array(fs.readFileSync(family.file(`seeds/${name}`)))]));

/** Hangar's format verdicts on `file` (full and quick) and qemu's disagreements with the full one. */
async function judge(file: string, force?: "accepted"): Promise<{ report: InspectionReport; quick: InspectionReport; found: Disagreement[] }> {
  const reader = await openFileReader(file);
  try {
    const report = await inspectImage(reader, { guest: false });
    const quick = await inspectImage(reader, { depth: "format" });
    const judged = force ? { ...report, verdict: force } : report;
    return { report, quick, found: await disagreements(file, judged, reader, { guest: true }) };
  } finally {
    await reader.close();
  }
}

/** Writes a case under its seed's name, so names in the image that mean "this file" still do. */
function write(c: HostileCase, i: number): string {
  const dir = path.join(scratch, `${c.generator}-${i}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, c.seed);
  fs.writeFileSync(file, c.bytes);
  return file;
}

describe.skipIf(skip)("adversarial images: what qemu would open unsafely, Hangar rejects", () => {
  const seeds = skip ? new Map() : loadSeeds();
  Object.entries(GENERATORS).forEach(([name, generate], g) => {
    it(name, async () => {
      const random = prng(0x5eed0 + g);
      const problems: string[] = [];
      const verdicts = { accepted: 0, rejected: 0 };
      for (let i = 0; i < CASES_PER_GENERATOR; i++) {
        const c = generate(random, seeds);
        const file = write(c, i);
        const { report, quick, found } = await judge(file);
        verdicts[report.verdict]++;
        if (report.verdict === "accepted" && quick.verdict === "rejected")
          problems.push(`#${i} ${c.recipe}\n    the quick (browser) depth rejects what the full inspection accepts`);
        for (const d of found) if (!d.whenReading) problems.push(`#${i} ${c.recipe}\n    ${d.severity}: ${d.what}`);
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
      expect(problems).toEqual([]);
      // Both sides are exercised: a generator that only made rejected files would prove nothing.
      expect(verdicts.accepted, name).toBeGreaterThan(0);
      expect(verdicts.rejected, name).toBeGreaterThan(0);
    });
  });
});

describe.skipIf(skip)("the qemu oracle", () => {
  // Were Hangar to accept them, the oracle must see the trap each hostile fixture hides.
  it.each([
    ["hostile-nested-qcow2.qcow2", /probed by qemu as qcow2/],
    ["hostile-nested-descriptor.qcow2", /probed by qemu as vmdk/],
    ["hostile-partition-qcow2.raw", /partition 1 .* refers to \/etc\/passwd/],
    ["hostile-backing-passwd.qcow2", /refers to another file: \/etc\/passwd/],
  ])("sees the trap in %s", async (name, trap) => {
    const { report, found } = await judge(family.file(name), "accepted");
    expect(report.verdict).toBe("rejected");
    expect(found.map((d) => `${d.severity}: ${d.what}`).join("\n")).toMatch(new RegExp(`high: .*${trap.source}`));
  });
});
