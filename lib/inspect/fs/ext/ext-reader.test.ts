import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../../testing/fixtures";
import { isInspectError } from "../../errors";
import { sliceReader } from "../../reader";
import { GuestFs } from "../guest-fs";
import { u16le } from "../../binary";
import { INODE_FLAG } from "./features";
import { openExtFileSystem } from "./index";
import { fileReader, recordingReader } from "../../../testing/file-reader";
import { bytesReader } from "../../readers/bytes";
import { blockSizeOf, debugfsLine, loadImage, physicalBlock } from "./testing/damage";
import { bigDirName, fixtureBytes, HUGE_FILE_MARKS, HUGE_FILE_SIZE, SPARSE_RUN_LENGTH, SPARSE_STRIDE, sparseRun } from "./testing/fixture-tree";

const family = fixtureFamily("fs-ext");

async function open(image: string) {
  const reader = recordingReader(fileReader(family.file(image)));
  const ext = await openExtFileSystem(reader);
  if (!ext) throw new Error(`${image} is not recognised as ext`);
  return { ext, reader, guest: new GuestFs(ext) };
}

async function resolveRef(guest: GuestFs, path: string): Promise<number> {
  const found = await guest.resolve(path, false);
  if (!found.ok) throw new Error(`${path}: ${found.reason}`);
  return found.ref as number;
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(isInspectError(error), `expected an InspectError, got ${String(error)}`).toBe(true);
  return error as { code: string; message: string };
}

describe.skipIf(family.skipped)("ext reader on the fixture images", () => {
  it.each([
    ["ext2.img", "ext2", "2e2e2e2e-0000-4000-8000-000000000002", "ext2-fixture"],
    ["ext2-rev0.img", "ext2", "2e2e2e2e-0000-4000-8000-000000000000", null],
    ["ext3.img", "ext3", "3e3e3e3e-0000-4000-8000-000000000003", "ext3-fixture"],
    ["ext4.img", "ext4", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "ext4-fixture"],
    ["ext4-1k.img", "ext4", "1e1e1e1e-0000-4000-8000-000000000001", "ext4-1k-fixture"],
    ["ext4-inline.img", "ext4", "11111111-0000-4000-8000-00000000000e", "inline"],
    ["ext4-64k.img", "ext4", "64646464-0000-4000-8000-000000000064", "big-blocks"],
    ["ext4-bigalloc.img", "ext4", "b1b1b1b1-0000-4000-8000-00000000000b", "bigalloc"],
  ])("%s is %s with its UUID and label", async (image, kind, uuid, label) => {
    const { ext } = await open(image);
    expect({ kind: ext.kind, uuid: ext.uuid, label: ext.label }).toEqual({ kind, uuid, label });
  });

  it("returns null for data without the ext magic, and for readers too short to hold a superblock", async () => {
    expect(await openExtFileSystem(bytesReader(new Uint8Array(64 * 1024)))).toBeNull();
    expect(await openExtFileSystem(bytesReader(new Uint8Array(1500)))).toBeNull();
  });

  it("refuses a corrupted superblock with InspectError corrupt (impossible geometry, bad checksum)", async () => {
    for (const image of ["corrupt-geometry.img", "corrupt-checksum.img"]) {
      const error = await rejection(openExtFileSystem(fileReader(family.file(image))));
      expect(error.code, image).toBe("corrupt");
    }
  });

  it("refuses a truncated image with InspectError truncated", async () => {
    const reader = fileReader(family.file("ext4.img"));
    const error = await rejection(openExtFileSystem(sliceReader(reader, 0, Math.floor(reader.size / 2))));
    expect(error.code).toBe("truncated");
  });

  describe("htree directories", () => {
    it.each([
      ["ext4.img", "half_md4, one index level"],
      ["ext4-1k.img", "legacy hash, two index levels"],
      ["ext3.img", "tea with unsigned chars"],
    ])("%s (%s): every name of the big directory is found through the index", async (image) => {
      const { ext, guest } = await open(image);
      const big = await resolveRef(guest, "/big");
      const inode = await ext.inode(big);
      expect(inode.flags & INODE_FLAG.INDEX, "the directory is indexed").not.toBe(0);
      const listed = new Map((await ext.readdir(big)).map((entry) => [entry.name, entry.ref]));
      expect(listed.size).toBeGreaterThanOrEqual(3000);
      // On a fresh reader, once the directory's inode is known, a lookup reads a few blocks.
      const fresh = await open(image);
      await fresh.ext.stat(big);
      const before = fresh.reader.bytesRead();
      expect(await fresh.ext.lookup(big, bigDirName(2345))).toBe(listed.get(bigDirName(2345)));
      // At most: the index root, one index node, a leaf, and the directory's own extent blocks.
      expect(fresh.reader.bytesRead() - before).toBeLessThanOrEqual(6 * Math.max(4096, blockSizeOf(loadImage(family.file(image)))));
      expect(fresh.reader.bytesRead() - before).toBeLessThan((await ext.stat(big)).size / 3);
      for (const [name, ref] of listed) expect(await fresh.ext.lookup(big, name), name).toBe(ref);
      expect(await fresh.ext.lookup(big, "entry-00050")).toBeNull();
      expect(await fresh.ext.lookup(big, "no-such-entry")).toBeNull();
    });

    it("one lookup in a 10,000-entry directory reads a few blocks, not the directory", async () => {
      const { ext, reader, guest } = await open("ext4-1k.img");
      const big = await ext.stat(await resolveRef(guest, "/big"));
      const before = reader.bytesRead();
      expect(await guest.exists(`/big/${bigDirName(7321)}`)).toBe(true);
      const read = reader.bytesRead() - before;
      expect(big.size).toBeGreaterThan(300 * 1024);
      expect(read).toBeLessThan(32 * 1024);
    });

    it("a linear directory is read once for many lookups (ext2 without an index)", async () => {
      const { ext, reader, guest } = await open("ext2.img");
      const big = await resolveRef(guest, "/big");
      expect((await ext.inode(big)).flags & INODE_FLAG.INDEX).toBe(0);
      const size = (await ext.stat(big)).size;
      const before = reader.bytesRead();
      for (let i = 0; i < 3000; i += 30) expect(await ext.lookup(big, bigDirName(i)), bigDirName(i)).not.toBeNull();
      expect(reader.bytesRead() - before).toBeLessThan(size + 16 * 1024);
    });
  });

  describe("file contents", () => {
    const expectedRuns = (runs: number) => {
      const bytes = new Uint8Array(runs * SPARSE_STRIDE);
      for (let run = 0; run < runs; run += 1) bytes.set(sparseRun(run), run * SPARSE_STRIDE);
      return bytes;
    };

    it.each([
      ["ext4-1k.img", 400, 2],
      ["ext4.img", 200, 1],
    ])("%s: a sparse file of %i data runs has an extent tree of depth %i and reads back exactly", async (image, runs, depth) => {
      const { ext, guest } = await open(image);
      const ref = await resolveRef(guest, "/sparse/runs.bin");
      const inode = await ext.inode(ref);
      expect(u16le(inode.raw, 0x28 + 6), "extent tree depth").toBe(depth);
      const expected = expectedRuns(runs);
      expect(Buffer.from(await ext.read(ref, 0, expected.length + 100)).equals(Buffer.from(expected))).toBe(true);
      // Reads that start and end inside holes and runs.
      for (const [offset, length] of [
        [SPARSE_RUN_LENGTH - 10, 20],
        [SPARSE_STRIDE * 7 + 5, SPARSE_STRIDE * 3],
        [SPARSE_STRIDE * 150 - 1, 2],
      ]) {
        expect(Buffer.from(await ext.read(ref, offset, length)).equals(Buffer.from(expected.subarray(offset, offset + length)))).toBe(true);
      }
    });

    it.each(["ext2.img", "ext3.img", "ext4.img"])("%s: a 5 GiB sparse file reads its marks and zeros in between", async (image) => {
      const { ext, guest } = await open(image);
      const ref = await resolveRef(guest, "/sparse/huge.bin");
      expect((await ext.stat(ref)).size).toBe(HUGE_FILE_SIZE);
      for (const mark of HUGE_FILE_MARKS) {
        expect(new TextDecoder().decode(await ext.read(ref, mark.offset, mark.text.length))).toBe(mark.text);
      }
      const around4GiB = await ext.read(ref, 2 ** 32 - 1024 * 1024, 2 * 1024 * 1024);
      const mark = HUGE_FILE_MARKS[1];
      const at = mark.offset - (2 ** 32 - 1024 * 1024);
      expect(new TextDecoder().decode(around4GiB.subarray(at, at + mark.text.length))).toBe(mark.text);
      expect(around4GiB.every((byte, i) => byte === 0 || (i >= at && i < at + mark.text.length))).toBe(true);
      expect((await ext.read(ref, 3 * 2 ** 30, 65536)).every((byte) => byte === 0)).toBe(true);
      expect(await ext.read(ref, HUGE_FILE_SIZE, 10)).toHaveLength(0);
    });

    it("unwritten (preallocated) extents read as zeros even when the disk blocks hold data", async () => {
      const file = family.file("ext4.img");
      const { ext, guest } = await open("ext4.img");
      const ref = await resolveRef(guest, "/prealloc.bin");
      const block = blockSizeOf(loadImage(file));
      const garbage = await fileReader(file).read(physicalBlock(file, "/prealloc.bin", 4) * block, block);
      expect(
        garbage.every((byte) => byte === 0xaa),
        "the fixture put garbage under the unwritten extent",
      ).toBe(true);
      const content = await ext.read(ref, 0, 65536);
      expect(Buffer.from(content.subarray(0, 4096)).equals(Buffer.from(fixtureBytes("prealloc.bin", 4096)))).toBe(true);
      expect(content.subarray(4096).every((byte) => byte === 0)).toBe(true);
    });

    it("inline data: files in i_block and continued in system.data, and an inline directory continued there too", async () => {
      const { ext, guest } = await open("ext4-inline.img");
      for (const [path, length] of [
        ["/tiny.txt", 30],
        ["/small.txt", 100],
      ] as const) {
        const ref = await resolveRef(guest, path);
        expect((await ext.inode(ref)).flags & INODE_FLAG.INLINE_DATA, path).not.toBe(0);
        expect(Buffer.from(await ext.read(ref, 0, 1000)).equals(Buffer.from(fixtureBytes(path.slice(1), length))), path).toBe(true);
        expect(Buffer.from(await ext.read(ref, 55, 10)).equals(Buffer.from(fixtureBytes(path.slice(1), length).subarray(55, 65))), path).toBe(true);
      }
      const dir = await resolveRef(guest, "/inline-dir");
      expect((await ext.inode(dir)).flags & INODE_FLAG.INLINE_DATA).not.toBe(0);
      expect((await ext.stat(dir)).size).toBeGreaterThan(60);
      expect((await ext.readdir(dir)).map((entry) => entry.name).sort()).toEqual(["a", "cont-x", "cont-y", "cont-z"]);
      expect(await guest.readText("/inline-dir/cont-y")).toBe("y\n");
      expect(await ext.lookup(dir, "cont-q")).toBeNull();
    });

    it("reports mode, owner and modification time", async () => {
      for (const image of ["ext2.img", "ext4.img", "ext4-64k.img"]) {
        const { guest } = await open(image);
        expect(await guest.stat("/medium.bin"), image).toEqual({ type: "file", size: 300 * 1024, mode: 0o640, uid: 1234, gid: 5678, mtime: 1_700_000_000 });
        expect(Buffer.from((await guest.readFile("/medium.bin")) ?? []).equals(Buffer.from(fixtureBytes("medium.bin", 300 * 1024))), image).toBe(true);
      }
    });

    it("refuses a single read larger than the limit", async () => {
      const { ext, guest } = await open("ext4.img");
      const ref = await resolveRef(guest, "/sparse/huge.bin");
      expect((await rejection(ext.read(ref, 0, 2 ** 31))).code).toBe("limit");
    });
  });

  describe("symlinks", () => {
    it.each(["ext2.img", "ext2-rev0.img", "ext3.img", "ext4.img", "ext4-1k.img", "ext4-inline.img", "ext4-64k.img"])(
      "%s: fast, slow and long targets as stored",
      async (image) => {
        const { guest } = await open(image);
        expect(await guest.readlink("/links/fast")).toBe("../small.txt");
        expect(await guest.readlink("/links/exactly-59")).toBe(`../${"x".repeat(56)}`);
        expect(await guest.readlink("/links/exactly-60")).toBe(`../${"x".repeat(57)}`);
        expect(await guest.readlink("/links/slow")).toBe(`${"./".repeat(40)}../small.txt`);
        expect(await guest.readlink("/links/very-long")).toBe(`${"d/".repeat(499)}end`);
      },
    );
  });

  describe("journal recovery (needs_recovery)", () => {
    it("replays committed transactions: a data block, a directory block, and not a revoked write", async () => {
      const file = family.file("ext3-recover.img");
      expect(debugfsLine(file, "cat /etc/hostname"), "on disk, before replay").toBe("fixture\n");
      const { ext, guest } = await open("ext3-recover.img");
      expect(ext.replayedBlocks).toBe(2);
      expect(await guest.readText("/etc/hostname")).toBe("replayed");
      expect((await guest.readdir("/etc"))?.map((entry) => entry.name).sort()).toEqual(["hostname", "os-release", "passwX"]);
      expect(await guest.readText("/etc/os-release")).toContain("ID=hangartest");
    });

    it("reads a checksummed 64-bit journal (ext4)", async () => {
      const { ext, guest } = await open("ext4-recover.img");
      expect(ext.replayedBlocks).toBe(1);
      const bytes = (await guest.readFile("/block.bin")) ?? new Uint8Array(0);
      expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe("replayed");
      expect(Buffer.from(bytes.subarray(4096)).equals(Buffer.from(fixtureBytes("block.bin", 5000).subarray(4096)))).toBe(true);
    });

    it("leaves a cleanly unmounted file system as it is", async () => {
      expect((await open("ext3.img")).ext.replayedBlocks).toBe(0);
    });
  });

  describe("paths through GuestFs", () => {
    it("follows relative and absolute links inside the guest, never above its root", async () => {
      const { guest } = await open("ext4.img");
      expect(await guest.readText("/links/absolute")).toContain("ID=hangartest");
      expect(await guest.realpath("/links/escape")).toBe("/etc/passwd");
      expect(await guest.readText("/links/absolute-escape")).toBe("fixture\n");
      expect(await guest.readText("/links/slow")).toBe(new TextDecoder().decode(fixtureBytes("small.txt", 100)));
      expect((await guest.readdir("/links/dir"))?.map((entry) => entry.name).sort()).toEqual(["hostname", "os-release", "passwd"]);
    });

    it("stops at symlink loops and reports dangling links", async () => {
      const { guest } = await open("ext4.img");
      expect(await guest.resolve("/links/loop1")).toMatchObject({ ok: false, reason: "symlink-loop" });
      expect(await guest.resolve("/links/self")).toMatchObject({ ok: false, reason: "symlink-loop" });
      expect(await guest.resolve("/links/dangling")).toMatchObject({ ok: false, reason: "not-found" });
      expect((await guest.lstat("/links/loop1"))?.type).toBe("symlink");
    });

    it("reads UTF-8 names, hard links, empty files and special files", async () => {
      const { ext, guest } = await open("ext4-1k.img");
      expect(await guest.readText("/utf8/日本語/ファイル")).toBe("japanese\n");
      expect(await guest.readText("/utf8/café.txt")).toBe("café\n");
      expect(await guest.readText(`/utf8/${"n".repeat(255)}`)).toBe("long name\n");
      expect(await ext.lookup(ext.root(), "n".repeat(256))).toBeNull();
      const original = await resolveRef(guest, "/hard/original");
      expect(await resolveRef(guest, "/other/third")).toBe(original);
      expect(await guest.readFile("/empty")).toEqual(new Uint8Array(0));
      expect((await guest.readdir("/special"))?.find((entry) => entry.name === "fifo")?.type).toBe("other");
    });

    it("takes entry types from the directory when it records them and from the inode otherwise (revision 0)", async () => {
      const modern = await open("ext4.img");
      expect((await modern.ext.readdir(modern.ext.root())).every((entry) => entry.type !== undefined)).toBe(true);
      const old = await open("ext2-rev0.img");
      expect((await old.ext.readdir(old.ext.root())).every((entry) => entry.type === undefined)).toBe(true);
      expect((await old.guest.readdir("/"))?.find((entry) => entry.name === "etc")?.type).toBe("directory");
    });

    it("mounts one ext file system inside another", async () => {
      const root = await open("ext4.img");
      const boot = await open("ext4-64k.img");
      root.guest.mount("/other", boot.ext);
      expect(await root.guest.readText("/other/etc/hostname")).toBe("fixture\n");
      expect(await root.guest.realpath("/other/links/absolute")).toBe("/etc/os-release");
    });
  });
});
