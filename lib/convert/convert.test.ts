import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectImage } from "../inspect";
import { openImageDisk } from "../inspect/disk/open-guest-disk";
import { openFileReader } from "../inspect/readers/file";
import { qemuConvertToRaw, qemuImg, qemuImgMissing } from "../inspect/testing/qemu-img";
import { fixtureFamily } from "../testing/fixtures";
import { convertDisk } from "./convert-disk";
import { digestDisk } from "./digest";
import { referenceDigest, shellDigest } from "./testing/reference-digest";

const family = fixtureFamily("convert");
const skip = family.skipped ?? qemuImgMissing;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-convert-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Every source format of the 20 MiB disk, with qemu's name for it. */
const SOURCES: [string, string][] = [
  ["disk.raw", "raw"],
  ["disk-dynamic.vhd", "vpc"],
  ["disk-chs.vhd", "vpc"],
  ["disk-fixed.vhd", "vpc"],
  ["disk.vhdx", "vhdx"],
  ["disk-fixed.vhdx", "vhdx"],
  ["disk-1m.vhdx", "vhdx"],
  ["disk.vdi", "vdi"],
  ["disk-static.vdi", "vdi"],
  ["disk.qed", "qed"],
  ["disk-4k.qed", "qed"],
  ["disk.qcow2", "qcow2"],
  ["disk-zstd.qcow2", "qcow2"],
  ["disk-c2m.qcow2", "qcow2"],
  ["disk-sparse.vmdk", "vmdk"],
  ["disk-stream.vmdk", "vmdk"],
];
const SPARSE: [string, string][] = [
  ["sparse-dynamic.vhd", "vpc"],
  ["sparse.vhdx", "vhdx"],
  ["sparse.vdi", "vdi"],
  ["sparse.qed", "qed"],
  ["sparse.qcow2", "qcow2"],
];

async function inspectFile(file: string) {
  const reader = await openFileReader(file);
  try {
    return await inspectImage(reader, { depth: "format" });
  } finally {
    await reader.close();
  }
}

async function withDisk<T>(file: string, read: (disk: Awaited<ReturnType<typeof openImageDisk>>) => Promise<T>): Promise<T> {
  const reader = await openFileReader(file);
  try {
    return await read(await openImageDisk(reader, await inspectImage(reader, { depth: "format" })));
  } finally {
    await reader.close();
  }
}

describe.skipIf(skip)("conversion: qemu-img compare agrees, the digest is the container's own", () => {
  const expected: Record<string, string> = {};
  beforeAll(() => {
    expected.disk = referenceDigest(family.file("disk.raw"));
    expected.sparse = referenceDigest(family.file("sparse.raw"));
  });

  it("the documented shell one-liner gives the reference digest", () => {
    expect(shellDigest(family.file("disk.raw"))).toBe(expected.disk);
  });

  /** The reference of a source: the disk's, or for a VHD sized by CHS geometry (smaller), its own raw's. */
  const referenceOf = (name: string): string => {
    if (name.startsWith("sparse")) return expected.sparse;
    if (!name.endsWith(".vhd") || name === "disk-dynamic.vhd") return expected.disk;
    const raw = path.join(scratch, `${name}.reference.raw`);
    execFileSync("qemu-img", ["convert", "-f", "vpc", "-O", "raw", family.file(name), raw]);
    return referenceDigest(raw);
  };

  for (const [name, qemuFormat] of [...SOURCES, ...SPARSE]) {
    it(name, async () => {
      const source = family.file(name);
      const reference = referenceOf(name);
      // A 6 GiB raw output would be read whole by the checks: the sparse disks are converted to QCOW2 and VMDK only.
      for (const target of name.startsWith("sparse") ? (["qcow2", "vmdk"] as const) : (["qcow2", "raw", "vmdk"] as const)) {
        const out = path.join(scratch, `${name}.${target}`);
        const result = await withDisk(source, (disk) => convertDisk(disk, out, target));
        expect(result.digest).toBe(reference);
        const compare = qemuImg(["compare", "-f", qemuFormat, "-F", target, source, out]);
        expect(compare.stderr + compare.stdout).toContain("Images are identical");
        expect(compare.ok).toBe(true);
        if (target === "qcow2") {
          const check = qemuImg(["check", "-f", "qcow2", out]);
          expect(check.stdout + check.stderr).toContain("No errors were found");
        }
        if (target === "vmdk") {
          // An export Hangar would take back as it is: a streamOptimized VMDK, safe and accepted.
          const report = await inspectFile(out);
          expect([report.verdict, report.format, report.subformat]).toEqual(["accepted", "vmdk", "streamOptimized"]);
        }
        // Read back through Hangar's own reader: the same digest.
        expect(await withDisk(out, (disk) => digestDisk(disk))).toBe(reference);
        fs.rmSync(out);
      }
    });
  }

  it("the digest is the same for a disk and for qemu-img's raw of each container", async () => {
    const raw = path.join(scratch, "vdi.raw");
    qemuConvertToRaw(family.file("disk.vdi"), raw);
    expect(referenceDigest(raw)).toBe(expected.disk);
    expect(await withDisk(family.file("disk.vdi"), (disk) => digestDisk(disk))).toBe(expected.disk);
  });
});

/** qemu-img check's share of compressed clusters among the allocated ones, in percent. */
function compressedShare(file: string): number {
  const check = qemuImg(["check", "-f", "qcow2", file]);
  expect(check.stdout + check.stderr).toContain("No errors were found");
  return Number(/([\d.]+)% compressed clusters/.exec(check.stdout)?.[1] ?? NaN);
}

describe.skipIf(skip)("a QCOW2 with compressed clusters, as qemu-img convert -c writes it", () => {
  // The 20 MiB disk from three containers (the 6 GiB sparse one would take minutes to compare).
  for (const [name, qemuFormat] of [
    ["disk.raw", "raw"],
    ["disk-stream.vmdk", "vmdk"],
    ["disk.qcow2", "qcow2"],
  ] as const) {
    it(name, async () => {
      const source = family.file(name);
      const reference = referenceDigest(family.file("disk.raw"));
      const plain = path.join(scratch, `${name}.plain.qcow2`);
      const out = path.join(scratch, `${name}.zlib.qcow2`);
      await withDisk(source, (disk) => convertDisk(disk, plain, "qcow2"));
      const result = await withDisk(source, (disk) => convertDisk(disk, out, "qcow2", { compression: "zlib" }));
      expect(result.digest).toBe(reference);
      expect(result.size).toBe(fs.statSync(out).size);
      const compare = qemuImg(["compare", "-f", qemuFormat, "-F", "qcow2", source, out]);
      expect(compare.stdout + compare.stderr).toContain("Images are identical");
      expect(compressedShare(out)).toBeGreaterThan(0);
      expect(compressedShare(plain)).toBe(0);
      expect(fs.statSync(out).size).toBeLessThan(fs.statSync(plain).size);
      expect(qemuImg(["info", "--output=json", out]).stdout).toMatch(/"compression-type": "zlib"/);
      // Hangar takes it back as it is, and reads the same disk from it.
      const report = await inspectFile(out);
      expect([report.verdict, report.format, report.compression]).toEqual(["accepted", "qcow2", "zlib"]);
      expect(await withDisk(out, (disk) => digestDisk(disk))).toBe(reference);
      fs.rmSync(plain);
      fs.rmSync(out);
    });
  }

  it("a cluster deflate does not shrink is stored plain, zeros stay unallocated, and the window is the 4 KiB qemu inflates with", async () => {
    const CLUSTER = 65536;
    const repeated = (unit: Uint8Array) => Uint8Array.from({ length: CLUSTER }, (_, at) => unit[at % unit.length]);
    // Random bytes; a 6000-byte random run repeated (deflate shrinks it only with a window over the 4 KiB qemu
    // inflates with, so it stays plain: checked by the count of compressed clusters); zeros; text; a short last cluster of random bytes (padded with zeros: it shrinks).
    const raw = path.join(scratch, "mixed.raw");
    const clusters = [randomBytes(CLUSTER), repeated(randomBytes(6000)), new Uint8Array(CLUSTER), repeated(Buffer.from("cloud-init ")), randomBytes(4096)];
    fs.writeFileSync(raw, Buffer.concat(clusters));
    const out = path.join(scratch, "mixed.qcow2");
    const result = await withDisk(raw, (disk) => convertDisk(disk, out, "qcow2", { compression: "zlib" }));
    expect(result.digest).toBe(referenceDigest(raw));
    expect(qemuImg(["compare", "-f", "raw", "-F", "qcow2", raw, out]).stdout).toContain("Images are identical");
    // Four clusters allocated (the zeros are not), two of them compressed: the text and the short last one.
    const check = qemuImg(["check", "-f", "qcow2", out]);
    expect(check.stdout).toMatch(/4\/5 = 80\.00% allocated/);
    expect(compressedShare(out)).toBe(50);
    expect(await withDisk(out, (disk) => digestDisk(disk))).toBe(result.digest);
    fs.rmSync(raw);
    fs.rmSync(out);
  });
});
