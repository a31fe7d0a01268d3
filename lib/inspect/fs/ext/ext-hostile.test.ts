import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../../testing/fixtures";
import { isInspectError } from "../../errors";
import { GuestFs } from "../guest-fs";
import { INCOMPAT, INODE_FLAG } from "./features";
import { openExtFileSystem } from "./index";
import { blockSizeOf, debugfsLine, inodeOffset, loadImage, patchSuperblock, physicalBlock, view } from "./testing/damage";
import { recordingReader } from "../../../testing/file-reader";
import { bytesReader } from "../../readers/bytes";
import { bigDirName } from "./testing/fixture-tree";

const family = fixtureFamily("fs-ext");

/** A fixture loaded into memory so that the test can damage it. */
function damaged(image: string, damage: (bytes: Uint8Array, file: string) => void) {
  const file = family.file(image);
  const bytes = loadImage(file);
  damage(bytes, file);
  return recordingReader(bytesReader(bytes));
}

async function openGuest(reader: ReturnType<typeof damaged>) {
  const ext = await openExtFileSystem(reader);
  if (!ext) throw new Error("not recognised as ext");
  return { ext, guest: new GuestFs(ext) };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(isInspectError(error), `expected an InspectError, got ${String(error)}`).toBe(true);
  return (error as { code: string }).code;
}

async function refOf(guest: GuestFs, path: string): Promise<number> {
  const found = await guest.resolve(path, false);
  if (!found.ok) throw new Error(`${path}: ${found.reason}`);
  return found.ref as number;
}

describe.skipIf(family.skipped)("ext reader on damaged images", () => {
  describe("superblock", () => {
    const withSuperblock = (image: string, patch: (superblock: DataView) => void) =>
      openExtFileSystem(damaged(image, (bytes) => patchSuperblock(bytes, patch)));

    it("refuses incompatible features it cannot read, by name", async () => {
      expect(await failure(withSuperblock("ext4-inline.img", (sb) => sb.setUint32(0x60, sb.getUint32(0x60, true) | 0x80000000, true)))).toBe("unsupported");
      expect(await failure(withSuperblock("ext2-rev0.img", (sb) => sb.setUint32(0x60, INCOMPAT.COMPRESSION, true)))).toBe("unsupported");
      expect(await failure(withSuperblock("ext2-rev0.img", (sb) => sb.setUint32(0x60, INCOMPAT.JOURNAL_DEV, true)))).toBe("unsupported");
      expect(await failure(withSuperblock("ext2-rev0.img", (sb) => sb.setUint32(0x60, INCOMPAT.DIRDATA, true)))).toBe("unsupported");
    });

    it("refuses inconsistent geometry as corrupt", async () => {
      const cases: Array<[string, (sb: DataView) => void]> = [
        ["inode count", (sb) => sb.setUint32(0x0, sb.getUint32(0x0, true) + 1, true)],
        ["no blocks per group", (sb) => sb.setUint32(0x20, 0, true)],
        ["no inodes per group", (sb) => sb.setUint32(0x28, 0, true)],
        ["inode size not a power of two", (sb) => sb.setUint16(0x58, 200, true)],
        ["descriptor size not a power of two", (sb) => sb.setUint16(0xfe, 96, true)],
        [
          "first meta block group past the descriptors",
          (sb) => {
            sb.setUint32(0x60, sb.getUint32(0x60, true) | INCOMPAT.META_BG, true);
            sb.setUint32(0x104, 1000, true);
          },
        ],
      ];
      for (const [what, patch] of cases) expect(await failure(withSuperblock("ext4-inline.img", patch)), what).toBe("corrupt");
    });

    it("says truncated when the superblock claims more blocks than the image holds", async () => {
      expect(await failure(withSuperblock("ext2-rev0.img", (sb) => sb.setUint32(0x4, sb.getUint32(0x4, true) * 4, true)))).toBe("corrupt");
      // Consistent geometry (one more full group, with its inodes) on an image that is too short.
      expect(
        await failure(
          withSuperblock("ext2-rev0.img", (sb) => {
            sb.setUint32(0x4, sb.getUint32(0x4, true) + sb.getUint32(0x20, true), true);
            sb.setUint32(0x0, sb.getUint32(0x0, true) + sb.getUint32(0x28, true), true);
          }),
        ),
      ).toBe("truncated");
    });
  });

  describe("metadata", () => {
    it("an inode table outside the file system is corrupt, not a read past the end", async () => {
      const reader = damaged("ext2-rev0.img", (bytes) => view(bytes).setUint32(2 * 1024 + 8, 0x7fffffff, true));
      expect(await failure(openExtFileSystem(reader))).toBe("corrupt");
      expect(reader.bytesRead()).toBeLessThan(16 * 1024);
    });

    it("an extent tree that points back at itself is corrupt, and reading it stops", async () => {
      const reader = damaged("ext4-1k.img", (bytes, file) => {
        // Level 0 of `ex` lists the root's entries: the physical block is the depth-1 index node.
        const line = debugfsLine(file, "ex /sparse/runs.bin")
          .split("\n")
          .find((row) => row.trim().startsWith("0/"));
        const node = Number(line?.trim().split(/\s+/)[7]);
        view(bytes).setUint32(node * blockSizeOf(bytes) + 12 + 4, node, true);
      });
      const { ext, guest } = await openGuest(reader);
      const ref = await refOf(guest, "/sparse/runs.bin");
      expect(await failure(ext.read(ref, 0, 4 * 1024 * 1024))).toBe("corrupt");
    });

    it("an extent root deeper than the kernel allows is corrupt", async () => {
      const reader = damaged("ext4.img", (bytes, file) => {
        view(bytes).setUint16(inodeOffset(file, bytes, "/medium.bin") + 0x28 + 6, 6, true);
      });
      const { ext, guest } = await openGuest(reader);
      expect(await failure(ext.read(await refOf(guest, "/medium.bin"), 0, 10))).toBe("corrupt");
    });

    it("an extent past the end of the file system is corrupt", async () => {
      const reader = damaged("ext4.img", (bytes, file) => {
        // The root of a small file holds its extents: make the first one start near 2^47.
        view(bytes).setUint16(inodeOffset(file, bytes, "/block.bin") + 0x28 + 12 + 6, 0x8000, true);
      });
      const { ext, guest } = await openGuest(reader);
      expect(await failure(ext.read(await refOf(guest, "/block.bin"), 0, 10))).toBe("corrupt");
    });

    it("a block pointer past the end of the file system is corrupt (ext2 block maps)", async () => {
      const reader = damaged("ext2-rev0.img", (bytes, file) => {
        view(bytes).setUint32(inodeOffset(file, bytes, "/medium.bin") + 0x28 + 4 * 12, 0xfffffff0, true);
      });
      const { ext, guest } = await openGuest(reader);
      const ref = await refOf(guest, "/medium.bin");
      expect(await ext.read(ref, 0, 10)).toHaveLength(10);
      expect(await failure(ext.read(ref, 12 * 1024, 10))).toBe("corrupt");
    });

    it("a huge claimed size reads as holes, bounded by the read limit", async () => {
      const reader = damaged("ext2-rev0.img", (bytes, file) => {
        view(bytes).setUint32(inodeOffset(file, bytes, "/medium.bin") + 0x6c, 2 ** 18, true);
      });
      const { ext, guest } = await openGuest(reader);
      const ref = await refOf(guest, "/medium.bin");
      expect((await ext.stat(ref)).size).toBeGreaterThan(2 ** 50);
      const before = reader.bytesRead();
      expect((await ext.read(ref, 2 ** 49, 1024 * 1024)).every((byte) => byte === 0)).toBe(true);
      expect(reader.bytesRead() - before).toBeLessThan(8 * 1024);
      expect(await failure(ext.read(ref, 0, 2 ** 40))).toBe("limit");
    });

    it("a symlink claiming a huge target is corrupt", async () => {
      const reader = damaged("ext2-rev0.img", (bytes, file) => {
        view(bytes).setUint32(inodeOffset(file, bytes, "/links/slow") + 0x4, 2 ** 31, true);
      });
      const { guest } = await openGuest(reader);
      expect(await failure(guest.readlink("/links/slow"))).toBe("corrupt");
    });

    it("inline data claiming more than the inode holds is corrupt", async () => {
      const reader = damaged("ext4-inline.img", (bytes, file) => {
        view(bytes).setUint32(inodeOffset(file, bytes, "/small.txt") + 0x4, 100_000, true);
      });
      const { guest } = await openGuest(reader);
      expect(await failure(guest.readFile("/small.txt"))).toBe("corrupt");
    });
  });

  describe("journal", () => {
    const journalBlock = (bytes: Uint8Array, file: string, logical: number) => physicalBlock(file, "<8>", logical) * blockSizeOf(bytes);
    const be32 = (bytes: Uint8Array, at: number, value: number) => new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, false);

    it.each([
      ["a journal superblock without its magic", 0, 0, 0],
      ["a log start outside the journal", 0, 0x1c, 5000],
      ["a transaction writing past the file system", 1, 12, 0x7fffffff],
    ])("%s is corrupt", async (_what, logical, offset, value) => {
      const reader = damaged("ext3-recover.img", (bytes, file) => be32(bytes, journalBlock(bytes, file, logical) + offset, value));
      expect(await failure(openExtFileSystem(reader))).toBe("corrupt");
    });

    it("a log whose sequence breaks ends the replay there", async () => {
      // Transaction 2's descriptor (journal block 4) gets another sequence number: 2 and later are not replayed.
      const reader = damaged("ext3-recover.img", (bytes, file) => be32(bytes, journalBlock(bytes, file, 4) + 8, 99));
      const { ext, guest } = await openGuest(reader);
      expect(ext.replayedBlocks).toBe(1);
      expect(await guest.readText("/etc/hostname")).toBe("replayed");
      expect(await guest.exists("/etc/passwd")).toBe(true);
    });
  });

  describe("directories", () => {
    const etcBlock = (bytes: Uint8Array, file: string) => physicalBlock(file, "/etc", 0) * blockSizeOf(bytes);

    it("a record length of zero is corrupt instead of an endless loop", async () => {
      const reader = damaged("ext2-rev0.img", (bytes, file) => view(bytes).setUint16(etcBlock(bytes, file) + 4, 0, true));
      const { guest } = await openGuest(reader);
      expect(await failure(guest.readdir("/etc"))).toBe("corrupt");
      expect(await failure(guest.readText("/etc/passwd"))).toBe("corrupt");
    });

    it("a record running past its block, or naming an inode that does not exist, is corrupt", async () => {
      const long = damaged("ext2-rev0.img", (bytes, file) => view(bytes).setUint16(etcBlock(bytes, file) + 4, 2048, true));
      expect(await failure((await openGuest(long)).guest.readdir("/etc"))).toBe("corrupt");
      const bad = damaged("ext2-rev0.img", (bytes, file) => view(bytes).setUint32(etcBlock(bytes, file) + 24, 0xfffffff, true));
      expect(await failure((await openGuest(bad)).guest.readdir("/etc"))).toBe("corrupt");
    });

    it("a directory claiming gigabytes is refused without being read", async () => {
      const reader = damaged("ext2-rev0.img", (bytes, file) => view(bytes).setUint32(inodeOffset(file, bytes, "/etc") + 0x4, 2 ** 31, true));
      const { guest } = await openGuest(reader);
      const before = reader.bytesRead();
      expect(await failure(guest.readdir("/etc"))).toBe("limit");
      expect(reader.bytesRead() - before).toBeLessThan(64 * 1024);
    });

    it.each([
      ["no entries in the index root", 0x22, 0],
      ["an index depth the kernel does not build", 0x1e, 9],
      ["an unknown hash version", 0x1c, 7],
    ])("a damaged htree index (%s) falls back to searching the directory", async (_what, offset, value) => {
      const reader = damaged("ext4.img", (bytes, file) => {
        bytes[physicalBlock(file, "/big", 0) * blockSizeOf(bytes) + offset] = value;
        if (offset === 0x22) bytes[physicalBlock(file, "/big", 0) * blockSizeOf(bytes) + offset + 1] = 0;
      });
      const { ext, guest } = await openGuest(reader);
      const size = (await guest.stat("/big"))?.size ?? 0;
      const before = reader.bytesRead();
      expect(await ext.lookup(await refOf(guest, "/big"), bigDirName(1234))).not.toBeNull();
      // The whole directory was read: the index was not used.
      expect(reader.bytesRead() - before).toBeGreaterThanOrEqual(size);
      for (const i of [0, 777, 5050, 9999]) expect(await guest.readText(`/big/${bigDirName(i)}`), bigDirName(i)).not.toBeNull();
      expect(await guest.exists("/big/missing")).toBe(false);
    });

    it("encrypted directories and files are refused as unsupported, and can still be stat'ed", async () => {
      const reader = damaged("ext2-rev0.img", (bytes, file) => {
        for (const path of ["/etc", "/small.txt"]) {
          const at = inodeOffset(file, bytes, path) + 0x20;
          view(bytes).setUint32(at, view(bytes).getUint32(at, true) | INODE_FLAG.ENCRYPT, true);
        }
      });
      const { ext, guest } = await openGuest(reader);
      expect(await failure(guest.readdir("/etc"))).toBe("unsupported");
      expect(await failure(guest.readFile("/small.txt"))).toBe("unsupported");
      expect((await ext.stat(await refOf(guest, "/small.txt"))).size).toBe(100);
    });

    it("case-insensitive directories (casefold) find names whatever their case", async () => {
      const reader = damaged("ext2-rev0.img", (bytes, file) => {
        patchSuperblock(bytes, (sb) => sb.setUint32(0x60, sb.getUint32(0x60, true) | INCOMPAT.CASEFOLD, true));
        const at = inodeOffset(file, bytes, "/utf8") + 0x20;
        view(bytes).setUint32(at, view(bytes).getUint32(at, true) | INODE_FLAG.CASEFOLD, true);
      });
      const { guest } = await openGuest(reader);
      expect(await guest.readText("/utf8/CAFÉ.TXT")).toBe("café\n");
      expect(await guest.readText("/utf8/Name With Spaces")).toBe("spaces\n");
      expect(await guest.exists("/ETC/passwd")).toBe(false);
    });
  });
});
