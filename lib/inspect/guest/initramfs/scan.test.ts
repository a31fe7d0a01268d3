import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../../testing/fixtures";
import { PURE_CODECS, type Codecs } from "../../codecs";
import { NODE_CODECS } from "../../node-codecs";
import type { RandomAccessReader } from "../../reader";
import { scanInitramfs } from "./scan";

const trees = fixtureFamily("guest-trees");
const VIRTIO = new Set(["virtio_blk", "virtio_scsi", "virtio_net"]);

/** A reader over a fixture that counts the bytes asked for. */
function counting(name: string): RandomAccessReader & { bytesRead: number } {
  const data = new Uint8Array(fs.readFileSync(trees.file(`initramfs/${name}`)));
  const reader = {
    size: data.length,
    bytesRead: 0,
    read(offset: number, length: number) {
      const bytes = data.subarray(offset, Math.min(data.length, offset + length));
      reader.bytesRead += bytes.length;
      return Promise.resolve(bytes);
    },
  };
  return reader;
}

/** The browser's decompressors and the server's give the same answers, and both stop reading early. */
const CODECS: [string, Codecs][] = [
  ["pure JavaScript", PURE_CODECS],
  ["Node's zlib", NODE_CODECS],
];

describe.skipIf(trees.skipped).each(CODECS)("scanInitramfs on images built by cpio and each compressor (%s)", (_, codecs) => {
  const cases: [string, string[]][] = [
    ["plain-newc.img", []],
    ["plain-crc.img", []],
    ["plain-odc.img", []],
    ["gzip.img", ["gzip"]],
    ["zstd.img", ["zstd"]],
    ["xz.img", ["xz"]],
    ["lz4-legacy.img", ["lz4"]],
    ["lz4-frame.img", ["lz4"]],
    ["lz4-frame-linked.img", ["lz4"]],
    ["early-zstd.img", ["zstd"]],
    ["early-gzip.img", ["gzip"]],
    ["early-gzip-padded.img", ["gzip"]],
  ];
  for (const [name, compression] of cases) {
    it(`finds every virtio module in ${name}`, async () => {
      const scan = await scanInitramfs(counting(name), VIRTIO, () => false, { codecs });
      expect(scan.problem).toBeUndefined();
      expect(scan.complete).toBe(true);
      expect([...scan.found].sort()).toEqual(["virtio_blk", "virtio_net", "virtio_scsi"]);
      expect(scan.compression).toEqual(compression);
    });
  }

  it("reads two archives in one lz4 stream, and an archive after an lz4 segment", async () => {
    for (const name of ["early-lz4-two-frames.img", "lz4-legacy-two-chunks.img", "lz4-then-cpio.img"]) {
      const scan = await scanInitramfs(counting(name), VIRTIO, () => false, { codecs });
      expect(scan, name).toMatchObject({ complete: true, compression: ["lz4"] });
      expect(scan.found.size, name).toBe(3);
      expect(scan.members, name).toBeGreaterThan(20);
    }
  });

  it("reports a module that is not there as absent after reading everything", async () => {
    const scan = await scanInitramfs(counting("early-zstd-no-virtio.img"), VIRTIO, undefined, { codecs });
    expect(scan).toMatchObject({ complete: true, compression: ["zstd"] });
    expect(scan.found.size).toBe(0);
    expect(scan.members).toBeGreaterThan(5);
  });

  it("stops as soon as the answer is known and leaves the rest unread", async () => {
    for (const name of ["plain-newc.img", "gzip.img", "zstd.img", "xz.img", "lz4-frame.img"]) {
      const reader = counting(name);
      const scan = await scanInitramfs(reader, new Set(["virtio_blk"]), undefined, { codecs });
      expect(scan).toMatchObject({ complete: true });
      expect(scan.found.has("virtio_blk")).toBe(true);
      expect(reader.bytesRead, name).toBeLessThan(reader.size * 0.8);
    }
  });

  it("skips the data of uncompressed members without reading it", async () => {
    const reader = counting("plain-newc.img");
    const scan = await scanInitramfs(reader, VIRTIO, () => false, { codecs });
    expect(scan.complete).toBe(true);
    expect(reader.bytesRead).toBeLessThan(reader.size / 4);
  });

  it("says why it could not finish instead of claiming a module is absent", async () => {
    const truncated = await scanInitramfs(counting("gzip-truncated.img"), VIRTIO, undefined, { codecs });
    expect(truncated.complete).toBe(false);
    expect(truncated.problem).toMatch(/gzip|initramfs/);
    const garbage = await scanInitramfs(counting("early-garbage.img"), VIRTIO, undefined, { codecs });
    expect(garbage).toMatchObject({ complete: false });
    expect(garbage.problem).toMatch(/neither cpio nor a known compression/);
    const bzip2 = await scanInitramfs(counting("bzip2.img"), VIRTIO, undefined, { codecs });
    expect(bzip2.complete).toBe(false);
    expect(bzip2.problem).toMatch(/bzip2/);
  });

  it("stops a decompression bomb at the unpacked-size limit", async () => {
    const scan = await scanInitramfs(counting("zstd.img"), VIRTIO, () => false, { codecs, limit: 64 * 1024 });
    expect(scan.complete).toBe(false);
    expect(scan.problem).toMatch(/more than 65536 bytes/);
  });
});
