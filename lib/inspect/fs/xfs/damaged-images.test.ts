import { afterAll, describe, expect, it } from "vitest";
import { InspectError } from "@/lib/inspect/errors";
import { sliceReader, type RandomAccessReader } from "@/lib/inspect/reader";
import { fileReader } from "@/lib/testing/file-reader";
import { fixtureFamily } from "@/lib/testing/fixtures";
import { patchedReader } from "@/lib/testing/patched-reader";
import { xfsDb, xfsDbBmap, xfsDbByteOffsets, xfsDbInodes, xfsDbList } from "@/lib/testing/xfs-db";
import { xfsChecksum } from "./checksum";
import { openXfsFileSystem, type XfsFileSystem } from "./index";

// Damaged and hostile variants of the fixture images, made in memory: every failure must be an
// InspectError with the right code, found quickly, never a hang or a crash.

const family = fixtureFamily("fs-xfs");
const readers: ReturnType<typeof fileReader>[] = [];
afterAll(() => readers.forEach((reader) => reader.close()));

function open(name: string) {
  const image = family.file(`${name}.img`);
  const reader = fileReader(image);
  readers.push(reader);
  return { image, reader };
}

interface Patch {
  offset: number;
  bytes: Uint8Array;
}

/**
 * Reads `length` bytes at `offset`, lets `change` edit them, and recomputes the
 * v5 checksum at `crcAt` when given, so a test reaches the check behind it.
 */
async function patch(reader: RandomAccessReader, offset: number, length: number, change: (view: DataView) => void, crcAt?: number): Promise<Patch> {
  const bytes = Uint8Array.from(await reader.read(offset, length));
  change(new DataView(bytes.buffer));
  if (crcAt !== undefined) new DataView(bytes.buffer).setUint32(crcAt, xfsChecksum(bytes, crcAt), true);
  return { offset, bytes };
}

async function failure(action: () => Promise<unknown>): Promise<InspectError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof InspectError) return error;
    throw error;
  }
  throw new Error("expected an InspectError");
}

const SB_CRC = 224;
const openPatched = async (reader: RandomAccessReader, patches: Patch[]) => (await openXfsFileSystem(patchedReader(reader, patches))) as XfsFileSystem;

async function resolve(xfs: XfsFileSystem, path: string): Promise<number> {
  let ref = xfs.root();
  for (const part of path.split("/").filter(Boolean)) ref = (await xfs.lookup(ref, part)) as number;
  return ref;
}

describe.skipIf(family.skipped)("XFS superblock", () => {
  it("is absent from a partition without the magic: null, not an error", async () => {
    const { reader } = open("v5");
    expect(await openXfsFileSystem({ size: 1 << 20, read: (_offset, length) => Promise.resolve(new Uint8Array(length)) })).toBeNull();
    expect(await openXfsFileSystem(sliceReader(reader, 4096, reader.size - 4096))).toBeNull();
    expect(await openXfsFileSystem({ size: 0, read: () => Promise.resolve(new Uint8Array(0)) })).toBeNull();
  });

  it("rejects the fixture with a changed superblock byte as corrupt", async () => {
    const { reader } = open("corrupt-sb");
    const error = await failure(() => openXfsFileSystem(reader));
    expect(error.code).toBe("corrupt");
    expect(error.message).toMatch(/superblock has a bad checksum/);
  });

  it("reports a truncated partition, whether it ends inside the superblock or before the last block", async () => {
    const { reader } = open("v5");
    expect((await failure(() => openXfsFileSystem(sliceReader(reader, 0, 300)))).code).toBe("truncated");
    const half = await failure(() => openXfsFileSystem(sliceReader(reader, 0, reader.size / 2)));
    expect(half.code).toBe("truncated");
    expect(half.message).toMatch(/holds only/);
  });

  it("refuses unknown and unhandled incompatible features as unsupported, needsrepair as corrupt", async () => {
    const { reader } = open("v5");
    const withIncompat = async (bits: number) => [await patch(reader, 0, 512, (view) => view.setUint32(216, view.getUint32(216) | bits), SB_CRC)];
    const unknown = await failure(async () => openPatched(reader, await withIncompat(0x0100_0000)));
    expect([unknown.code, unknown.message]).toEqual(["unsupported", expect.stringMatching(/unknown feature bits 0x1000000/)]);
    const metadir = await failure(async () => openPatched(reader, await withIncompat(0x100)));
    expect([metadir.code, metadir.message]).toEqual(["unsupported", expect.stringMatching(/metadir/)]);
    const repair = await failure(async () => openPatched(reader, await withIncompat(0x10)));
    expect([repair.code, repair.message]).toEqual(["corrupt", expect.stringMatching(/xfs_repair/)]);
    // Features that do not change how files are found read normally.
    const exchange = await openPatched(reader, await withIncompat(0x40 | 0x80));
    expect(await exchange.readlink(await resolve(exchange, "/symlinks/inline-absolute"))).toBe("/etc/hostname");
  });

  it("checks the geometry behind a valid checksum", async () => {
    const { reader } = open("v5");
    const cases: [string, (view: DataView) => void, RegExp][] = [
      ["block size", (view) => view.setUint32(4, 3000), /block size 3000/],
      ["AG count", (view) => view.setUint32(88, 7), /allocation groups/],
      ["inode size", (view) => view.setUint16(104, 4096), /inode size/],
      ["directory block size", (view) => view.setUint8(192, 9), /directory block size/],
      ["unfinished mkfs", (view) => view.setUint8(126, 1), /mkfs did not finish/],
    ];
    for (const [what, change, message] of cases) {
      const error = await failure(async () => openPatched(reader, [await patch(reader, 0, 512, change, SB_CRC)]));
      expect([what, error.code, error.message]).toEqual([what, "corrupt", expect.stringMatching(message)]);
    }
    const version = await failure(async () =>
      openPatched(reader, [await patch(reader, 0, 512, (view) => view.setUint16(100, (view.getUint16(100) & ~0xf) | 6), SB_CRC)]),
    );
    expect(version.code).toBe("unsupported");
  });

  it("refuses v4 feature bits it does not know and v1 directories", async () => {
    const { reader } = open("v4");
    const shared = await failure(async () => openPatched(reader, [await patch(reader, 0, 512, (view) => view.setUint16(100, view.getUint16(100) | 0x200))]));
    expect(shared.code).toBe("unsupported");
    const oldDirs = await failure(async () => openPatched(reader, [await patch(reader, 0, 512, (view) => view.setUint16(100, view.getUint16(100) & ~0x2000))]));
    expect([oldDirs.code, oldDirs.message]).toEqual(["unsupported", expect.stringMatching(/version 1 directories/)]);
  });

  it("requires the root inode to be a directory", async () => {
    const { image, reader } = open("v5");
    const file = xfsDbList(image, "/etc").find((entry) => entry.name === "hostname")?.ino as number;
    const error = await failure(async () => openPatched(reader, [await patch(reader, 0, 512, (view) => view.setBigUint64(56, BigInt(file)), SB_CRC)]));
    expect([error.code, error.message]).toEqual(["corrupt", expect.stringMatching(/root inode .* is not a directory/)]);
  });

  it("reads a v5 file system whose UUID was changed, checking metadata against sb_meta_uuid", async () => {
    const { image, reader } = open("v5-dir64k");
    const incompat = Number(/features_incompat = (\S+)/.exec(xfsDb(image, ["sb 0", "print features_incompat"]))?.[1]);
    expect(incompat & 0x4).toBe(0x4);
    const xfs = (await openXfsFileSystem(reader)) as XfsFileSystem;
    expect(xfs.uuid).toBe("5a5e0000-0000-4000-8000-0000000000aa");
    expect((await xfs.readdir(await resolve(xfs, "/dirs/d5000"))).length).toBe(5000);
  });
});

describe.skipIf(family.skipped)("XFS metadata damage", () => {
  const inodeOffset = (image: string, path: string) => {
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    const ino = xfsDbList(image, parent).find((entry) => entry.name === path.slice(path.lastIndexOf("/") + 1))?.ino as number;
    return { ino, offset: xfsDbByteOffsets(image, "ino", [ino])[0] };
  };
  const blockOffset = (image: string, fsblock: number) => xfsDbByteOffsets(image, "fsblock", [fsblock])[0];

  it("finds a v5 inode whose checksum does not match, and a v4 inode without its magic", async () => {
    const v5 = open("v5");
    const target = inodeOffset(v5.image, "/etc/hostname");
    const bad = await openPatched(v5.reader, [await patch(v5.reader, target.offset, 512, (view) => view.setUint32(8, 4242))]);
    const error = await failure(() => bad.stat(target.ino));
    expect([error.code, error.message]).toEqual(["corrupt", expect.stringMatching(/inode \d+ has a bad checksum/)]);

    const v4 = open("v4");
    const old = inodeOffset(v4.image, "/etc/hostname");
    const noMagic = await openPatched(v4.reader, [await patch(v4.reader, old.offset, 256, (view) => view.setUint16(0, 0x4142))]);
    expect((await failure(() => noMagic.stat(old.ino))).message).toMatch(/bad magic/);
  });

  it("finds a damaged directory block (v5 checksum, v4 entry tag) on listing and on lookup", async () => {
    const v5 = open("v5");
    const [block5] = xfsDbBmap(v5.image, "/dirs/d50");
    const at5 = blockOffset(v5.image, block5.fsblock);
    const xfs5 = await openPatched(v5.reader, [await patch(v5.reader, at5, 4096, (view) => view.setUint8(200, view.getUint8(200) ^ 0xff))]);
    const dir5 = await resolve(xfs5, "/dirs/d50");
    expect((await failure(() => xfs5.readdir(dir5))).message).toMatch(/directory block .* bad checksum/);
    expect((await failure(() => xfs5.lookup(dir5, "entry-00007xxxxxxx"))).code).toBe("corrupt");

    const v4 = open("v4");
    const [block4] = xfsDbBmap(v4.image, "/dirs/d50");
    const at4 = blockOffset(v4.image, block4.fsblock);
    // The first entry after the 16-byte header is "." (16 bytes): its tag is its last two bytes.
    const xfs4 = await openPatched(v4.reader, [await patch(v4.reader, at4, 4096, (view) => view.setUint16(16 + 14, 0x1234))]);
    expect((await failure(async () => xfs4.readdir(await resolve(xfs4, "/dirs/d50")))).message).toMatch(/tag does not match/);
  });

  it("stops at a B+tree leaf that links back to itself instead of looping", async () => {
    for (const name of ["v4", "v5"]) {
      const { image, reader } = open(name);
      const fork = name === "v4" ? "u" : "u3";
      const file = inodeOffset(image, "/frag/btree-file");
      // xfs_db prints "u3.bmbt.ptrs[1-2] = 1:2371 2:2372".
      const fields = xfsDbInodes(image, [file.ino], [`${fork}.bmbt.ptrs`]).get(file.ino) as Map<string, string>;
      const pointers = [...fields].find(([key]) => key.startsWith(`${fork}.bmbt.ptrs`))?.[1] ?? "";
      const leaf = Number(/\b1:(\d+)/.exec(pointers)?.[1]);
      const at = blockOffset(image, leaf);
      const looped = await patch(reader, at, 4096, (view) => view.setBigUint64(16, BigInt(leaf)), name === "v5" ? 64 : undefined);
      const xfs = await openPatched(reader, [looped]);
      const error = await failure(async () => xfs.read(file.ino, 0, (await xfs.stat(file.ino)).size));
      expect([name, error.code, error.message]).toEqual([name, "corrupt", expect.stringMatching(/out of order/)]);
    }
  });

  it("rejects a B+tree root deeper than the format allows and an extent outside the file system", async () => {
    const { image, reader } = open("v4");
    const file = inodeOffset(image, "/frag/btree-file");
    const deep = await openPatched(reader, [await patch(reader, file.offset, 256, (view) => view.setUint16(100, 12))]);
    expect((await failure(() => deep.read(file.ino, 0, 10))).message).toMatch(/root level 12/);

    const plain = inodeOffset(image, "/files/multi-300k");
    // First extent record at the data fork (offset 100): startblock's high bits live in its low 9 bits of word 1.
    const outside = await openPatched(reader, [await patch(reader, plain.offset, 256, (view) => view.setUint32(104, view.getUint32(104) | 0x1ff))]);
    expect((await failure(() => outside.read(plain.ino, 0, 10))).message).toMatch(/outside the file system/);
  });

  it("rejects a hash index node that points back at itself", async () => {
    const { image, reader } = open("v4");
    const leafBlock = 2 ** 35 / 4096;
    const extent = xfsDbBmap(image, "/dirs/d5000").find((e) => e.fileBlock <= leafBlock && leafBlock < e.fileBlock + e.length);
    if (!extent) throw new Error("d5000 has no hash index block");
    const at = blockOffset(image, extent.fsblock + (leafBlock - extent.fileBlock));
    expect(new DataView((await reader.read(at + 8, 2)).buffer).getUint16(0)).toBe(0xfebe);
    const xfs = await openPatched(reader, [await patch(reader, at, 4096, (view) => view.setUint32(16 + 4, leafBlock))]);
    const dir = await resolve(xfs, "/dirs/d5000");
    // The first child covers the smallest hashes; "." and ".." sort among them only by chance, so look up every name of the first leaf's range.
    const names = xfsDbList(image, "/dirs/d5000")
      .sort((a, b) => a.hash - b.hash)
      .slice(0, 3);
    for (const entry of names) expect((await failure(() => xfs.lookup(dir, entry.name))).message).toMatch(/level/);
  });

  it("rejects a remote symlink block owned by another inode", async () => {
    const { image, reader } = open("v5");
    const link = inodeOffset(image, "/symlinks/remote-absolute");
    const [block] = xfsDbBmap(image, "/symlinks/remote-absolute");
    const at = blockOffset(image, block.fsblock);
    const xfs = await openPatched(reader, [await patch(reader, at, 4096, (view) => view.setBigUint64(32, 77n), 12)]);
    expect((await failure(() => xfs.readlink(link.ino))).message).toMatch(/belongs to inode 77/);
  });

  it("reads a version 1 inode (v4 file systems made before 32-bit link counts)", async () => {
    const { image, reader } = open("v4");
    const file = inodeOffset(image, "/files/hello.txt");
    const xfs = await openPatched(reader, [await patch(reader, file.offset, 256, (view) => view.setUint8(4, 1))]);
    expect(new TextDecoder().decode(await xfs.read(file.ino, 0, 100))).toBe("hello from xfs\n");
  });

  it("rejects a short-form directory entry that points outside the file system or runs past its end", async () => {
    const { image, reader } = open("v4");
    const dir = inodeOffset(image, "/links");
    // v4 without ftype: header count, i8count, 4-byte parent; entry: namelen, 2-byte offset, name, 4-byte inode.
    const outside = await openPatched(reader, [await patch(reader, dir.offset, 256, (view) => view.setUint32(100 + 6 + 3 + 1, 0xfffffff0))]);
    expect((await failure(() => outside.readdir(dir.ino))).message).toMatch(/outside the file system/);
    const long = await openPatched(reader, [await patch(reader, dir.offset, 256, (view) => view.setUint8(100, 200))]);
    expect((await failure(() => long.readdir(dir.ino))).message).toMatch(/past the end/);
  });
});
