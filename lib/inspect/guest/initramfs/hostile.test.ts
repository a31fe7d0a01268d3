import { describe, expect, it } from "vitest";
import type { RandomAccessReader } from "../../reader";
import { decodeLz4Block } from "./lz4";
import { scanInitramfs } from "./scan";

const encoder = new TextEncoder();
const reader = (data: Uint8Array): RandomAccessReader => ({
  size: data.length,
  read: (o, l) => Promise.resolve(data.subarray(o, Math.min(data.length, o + l))),
});

/** One newc member, as cpio -H newc writes it. */
function newc(name: string, data = "", mode = 0o100644, nameSize = name.length + 1): Uint8Array {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  const fields = [1, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameSize, 0];
  const header = `070701${fields.map(hex).join("")}`;
  const pad = (n: number) => "\0".repeat((4 - (n % 4)) % 4);
  return encoder.encode(`${header}${name}\0${pad(110 + name.length + 1)}${data}${pad(data.length)}`);
}
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const WANTED = new Set(["virtio_blk"]);

describe("initramfs scanning on hostile input", () => {
  it("finds a module by name whatever its directory and prefix, but not a directory or a link of that name", async () => {
    const archive = join(newc("./usr/lib/modules/6.1/extra/virtio_blk.ko.zst", "m"), newc("TRAILER!!!"));
    expect((await scanInitramfs(reader(archive), WANTED)).found.has("virtio_blk")).toBe(true);
    const notFiles = join(newc("lib/modules/6.1/virtio_blk.ko", "", 0o040755), newc("lib/modules/6.1/x/virtio_blk.ko", "t", 0o120777), newc("TRAILER!!!"));
    expect(await scanInitramfs(reader(notFiles), WANTED)).toMatchObject({ complete: true, found: new Set() });
  });

  it("reports a bad header field, an absurd name length and a truncated member instead of guessing", async () => {
    const badHex = encoder.encode(`070701${"zz".repeat(52)}`);
    expect((await scanInitramfs(reader(badHex), WANTED)).problem).toMatch(/invalid field/);
    const longName = newc("a", "", 0o100644, 1 << 20);
    expect((await scanInitramfs(reader(longName), WANTED)).problem).toMatch(/name length/);
    const truncated = newc("lib/modules/big.ko", "x".repeat(100)).subarray(0, 150);
    expect((await scanInitramfs(reader(truncated), WANTED)).problem).toMatch(/ends inside/);
  });

  it("an empty file is a complete scan that found nothing", async () => {
    expect(await scanInitramfs(reader(new Uint8Array(0)), WANTED)).toMatchObject({ complete: true, members: 0 });
  });

  it("decodes LZ4 blocks with overlapping matches and rejects offsets and lengths outside the buffers", () => {
    // "abc" literals, then a match of 9 bytes at offset 3 (overlapping), then the literal "!".
    const block = new Uint8Array([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x21]);
    const out = new Uint8Array(32);
    const end = decodeLz4Block(block, out, 0);
    expect(new TextDecoder().decode(out.subarray(0, end))).toBe("abcabcabcabc!");
    expect(() => decodeLz4Block(new Uint8Array([0x10, 0x61, 0x00, 0x00]), new Uint8Array(32), 0)).toThrow(/corrupt/);
    expect(() => decodeLz4Block(new Uint8Array([0x10, 0x61, 0x05, 0x00]), new Uint8Array(32), 0)).toThrow(/corrupt/);
    expect(() => decodeLz4Block(new Uint8Array([0x1f, 0x61, 0x01, 0x00, 0xff, 0xff, 0x10]), new Uint8Array(64), 0)).toThrow(/corrupt/);
    expect(() => decodeLz4Block(new Uint8Array([0xf0, 0xff]), new Uint8Array(64), 0)).toThrow(/corrupt/);
  });
});
