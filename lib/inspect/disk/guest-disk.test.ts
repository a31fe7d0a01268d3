import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFamily } from "../../testing/fixtures";
import { inspectImage } from "../index";
import { openFileReader, type FileReader } from "../readers/file";
import { below, prng } from "../testing/prng";
import { qemuConvertToRaw, qemuImgMissing } from "../testing/qemu-img";
import { recordingReader } from "../../testing/file-reader";
import { readsOutside } from "../testing/reads-outside";
import { openGuestDisk } from "./open-guest-disk";

const family = fixtureFamily("formats");
const skip = family.skipped ?? qemuImgMissing;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-guest-disk-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const IMAGES = [
  "disk.raw",
  ...["v2", "v3", "c512", "c4k", "c64k", "c2M", "extl2-c16k", "extl2-c64k", "extl2-c2M", "extl2-sub", "v2-zlib"].map((v) => `qcow2-${v}.qcow2`),
  ...["c512", "c4k", "c64k", "c2M"].flatMap((c) => [`qcow2-zlib-${c}.qcow2`, `qcow2-zstd-${c}.qcow2`]),
  ...["zstd-extl2", "zero", "prealloc", "snapshot", "dirty"].map((v) => `qcow2-${v}.qcow2`),
  "vmdk-sparse.vmdk",
  "vmdk-stream.vmdk",
  "vmdk-stream-footer.vmdk",
  "vmdk-zeroed.vmdk",
];

async function open(name: string): Promise<{ file: FileReader; expected: Uint8Array }> {
  const raw = path.join(scratch, `${name}.raw`);
  qemuConvertToRaw(family.file(name), raw);
  return { file: await openFileReader(family.file(name)), expected: new Uint8Array(fs.readFileSync(raw)) };
}

describe.skipIf(skip)("the guest disk reads what qemu-img convert -O raw writes", () => {
  for (const name of IMAGES) {
    it(name, async () => {
      const { file, expected } = await open(name);
      try {
        const info = await inspectImage(file, { depth: "format" });
        expect(info.verdict).toBe("accepted");
        const disk = openGuestDisk(file, info);
        expect(disk.size).toBe(expected.length);

        // Reads at random offsets and lengths, at cluster boundaries, and across the end of the disk.
        const random = prng(0x5eed ^ name.length);
        const offsets: [number, number][] = [];
        for (let i = 0; i < 400; i++) offsets.push([below(random, disk.size), 1 + below(random, 300_000)]);
        for (const boundary of [512, 4096, 16384, 65536, 2 ** 21]) {
          for (let at = boundary; at < disk.size; at += boundary * 7) offsets.push([at - 3, 7]);
        }
        offsets.push([disk.size - 100, 1000], [0, disk.size], [disk.size, 10]);
        for (const [offset, length] of offsets) {
          const got = await disk.read(offset, length);
          const want = expected.subarray(offset, Math.min(expected.length, offset + length));
          expect(got.length, `length at ${offset}+${length}`).toBe(want.length);
          expect(Buffer.compare(Buffer.from(got), Buffer.from(want)), `bytes at ${offset}+${length}`).toBe(0);
        }
        // Concurrent readers share the caches and get the same bytes.
        const parallel = await Promise.all(offsets.slice(0, 50).map(([offset, length]) => disk.read(offset, length)));
        parallel.forEach((bytes, i) =>
          expect(Buffer.from(bytes).equals(Buffer.from(expected.subarray(offsets[i][0], offsets[i][0] + offsets[i][1])))).toBe(true),
        );
      } finally {
        await file.close();
      }
    });
  }
});

describe.skipIf(family.skipped)("the guest disk reads only what it needs", () => {
  it("reads a sector of a 2 MiB-cluster image without reading whole tables or clusters", async () => {
    const file = await openFileReader(family.file("qcow2-c2M.qcow2"));
    try {
      const info = await inspectImage(file, { depth: "format" });
      const recorder = recordingReader(file);
      const disk = openGuestDisk(recorder, info);
      await disk.read(1024 * 1024, 512);
      // header (4 KiB pages), one 16 KiB piece of L1 and of L2, and the sector itself
      expect(recorder.bytesRead()).toBeLessThan(64 * 1024);
      expect(readsOutside(recorder.reads, recorder.size)).toEqual([]);
    } finally {
      await file.close();
    }
  });

  it("reads metadata once for repeated reads of the same region", async () => {
    const file = await openFileReader(family.file("vmdk-sparse.vmdk"));
    try {
      const info = await inspectImage(file, { depth: "format" });
      const recorder = recordingReader(file);
      const disk = openGuestDisk(recorder, info);
      await disk.read(1024 * 1024, 4096);
      const first = recorder.reads.length;
      await disk.read(1024 * 1024, 4096);
      expect(recorder.reads.length - first).toBe(1); // only the data, the tables come from the cache
    } finally {
      await file.close();
    }
  });

  it("refuses formats it does not read", async () => {
    const file = await openFileReader(family.file("vhd-dynamic.vhd"));
    try {
      const info = await inspectImage(file, { depth: "format" });
      expect(() => openGuestDisk(file, info)).toThrow(/reads the guest disk of raw, QCOW2/);
    } finally {
      await file.close();
    }
  });
});
