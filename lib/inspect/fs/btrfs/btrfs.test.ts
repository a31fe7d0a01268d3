import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { defined } from "../../../testing/defined";
import { fixtureFamily } from "../../../testing/fixtures";
import { InspectError } from "../../errors";
import { GuestFs } from "../guest-fs";
import { type BtrfsFileSystem, openBtrfsFileSystem } from "./index";
import { fileReader, recordingReader } from "../../../testing/file-reader";
import { expectSameTree, sha256 } from "../../../testing/same-tree";

const fixtures = fixtureFamily("fs-btrfs");

async function open(name: string, log?: { offset: number; length: number }[]): Promise<BtrfsFileSystem> {
  const fileSystem = await openBtrfsFileSystem(recordingReader(fileReader(fixtures.file(name)), log));
  if (!fileSystem) throw new Error(`${name} is not recognised as btrfs`);
  return fileSystem;
}

async function expectInspectError(promise: Promise<unknown>, code: InspectError["code"], message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InspectError);
  expect((error as InspectError).code).toBe(code);
  if (message) expect((error as InspectError).message).toMatch(message);
}

/** How many extents of each compression type dump-tree saw in an image (written by the fixture script). */
function compressedExtents(image: string): Map<number, number> {
  const lines = fs
    .readFileSync(fixtures.file(`${image}.compression`), "utf8")
    .trim()
    .split("\n");
  return new Map(lines.map((line) => line.split(" ").map(Number) as [number, number]));
}

describe.skipIf(fixtures.skipped)(`btrfs reader (fixtures: ${fixtures.skipped ?? "built"})`, () => {
  it.each(["plain.img", "zlib.img", "lzo.img", "zstd.img"])("reads every file, link and directory of %s as the source tree", async (image) => {
    const fileSystem = await open(image);
    expect(fileSystem.kind).toBe("btrfs");
    expect(fileSystem.subvolumeId).toBe(5n);
    expect(await expectSameTree(fileSystem, fileSystem.root(), fixtures.file("tree"))).toBeGreaterThan(3000);
  });

  it.each([
    ["zlib.img", 1],
    ["lzo.img", 2],
    ["zstd.img", 3],
  ])("%s really holds compressed regular and inline extents of its type", (image, type) => {
    // The tree comparison above only proves decompression when the image is compressed.
    expect(compressedExtents(image).get(type)).toBeGreaterThanOrEqual(10);
    expect(compressedExtents(image).get(0)).toBeGreaterThanOrEqual(1);
  });

  it("reads compressed files from any offset, across extent boundaries", async () => {
    for (const image of ["zlib.img", "lzo.img", "zstd.img"]) {
      const fileSystem = await open(image);
      const ref = defined(await fileSystem.lookup(fileSystem.root(), "mixed.bin"), "mixed.bin");
      expect(ref).not.toBeNull();
      const source = fs.readFileSync(fixtures.file("tree/mixed.bin"));
      for (const [offset, length] of [
        [0, 1],
        [131071, 2],
        [131072 - 100, 300000],
        [300 * 1024, 70000],
        [source.length - 3, 100],
        [source.length, 10],
      ]) {
        const bytes = await fileSystem.read(ref, offset, length);
        expect(sha256(bytes), `${image} ${offset}+${length}`).toBe(sha256(source.subarray(offset, offset + length)));
      }
    }
  });

  it("reports the label and the fsid as a lowercase dashed UUID", async () => {
    const plain = await open("plain.img");
    expect(plain.label).toBe("hangar-plain");
    expect(plain.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await open("zstd.img")).label).toBeNull();
  });

  it("hard links name the same inode", async () => {
    const fileSystem = await open("plain.img");
    const root = fileSystem.root();
    expect(await fileSystem.lookup(root, "hard-text.txt")).toEqual(await fileSystem.lookup(root, "text.txt"));
    const dir = defined(await fileSystem.lookup(root, "dir"), "dir");
    expect(await fileSystem.lookup(dir, "small-hard")).toEqual(await fileSystem.lookup(root, "small.txt"));
  });

  it("reads ten thousand entries of a directory in a three-level tree of 4 KiB nodes", async () => {
    const fileSystem = await open("bigdir.img");
    expect(await expectSameTree(fileSystem, fileSystem.root(), fixtures.file("bigdir"))).toBe(10002);
    const many = defined(await fileSystem.lookup(fileSystem.root(), "many"), "many");
    expect(await fileSystem.lookup(many, "file-10001")).toBeNull();
  });

  it("reads holes, preallocated extents, shifted extent references and a size past the last extent as zeros", async () => {
    const fileSystem = await open("holes.img");
    const ref = defined(await fileSystem.lookup(fileSystem.root(), "holes.txt"), "holes.txt");
    const expected = fs.readFileSync(fixtures.file("holes.expected"));
    expect((await fileSystem.stat(ref)).size).toBe(expected.length);
    expect(sha256(await fileSystem.read(ref, 0, expected.length))).toBe(sha256(expected));
    for (const offset of [131072 - 10, 262144 + 5, 393216 + 4096, 393216 + 120 * 1024 - 1, 655360 + 50]) {
      expect(sha256(await fileSystem.read(ref, offset, 9000)), `at ${offset}`).toBe(sha256(expected.subarray(offset, offset + 9000)));
    }
  });

  it.each(["xxhash", "sha256", "blake2"])("reads a file system checksummed with %s and verifies its checksums", async (csum) => {
    const image = `csum-${csum}.img`;
    const fileSystem = await open(image);
    expect(await expectSameTree(fileSystem, fileSystem.root(), fixtures.file("tiny"))).toBe(3);
    // One changed byte in the superblock, or in a tree block (single metadata: no second copy).
    const damaged = (at: (offset: number, length: number) => number | null) => {
      const reader = fileReader(fixtures.file(image));
      return {
        size: reader.size,
        async read(offset: number, length: number) {
          const bytes = Uint8Array.from(await reader.read(offset, length));
          const index = at(offset, bytes.length);
          if (index !== null) bytes[index] ^= 0x40;
          return bytes;
        },
      };
    };
    await expectInspectError(
      openBtrfsFileSystem(damaged((offset) => (offset === 0x10000 ? 0x100 : null))),
      "corrupt",
      /superblock is damaged.*checksum mismatch/,
    );
    await expectInspectError(openBtrfsFileSystem(damaged((offset, length) => (length === 16384 ? 200 : null))), "corrupt", /fails its \w+ checksum/);
  });

  it("reads an image made by the system's mkfs.btrfs when it is an older version", async () => {
    if (!fs.existsSync(fixtures.file("old-mkfs.img"))) {
      // Only when the system's btrfs-progs is the one the other images were made with.
      expect(fs.readFileSync(fixtures.file("mkfs-version.txt"), "utf8")).not.toMatch(/v6\.[0-6]\b/);
      return;
    }
    const fileSystem = await open("old-mkfs.img");
    expect(await expectSameTree(fileSystem, fileSystem.root(), fixtures.file("tiny"))).toBe(3);
  });

  describe("subvolumes", () => {
    it("roots a Fedora-like image at its default subvolume and crosses into subvolumes from the top level", async () => {
      const fileSystem = await open("fedora.img");
      const top = defined(await fileSystem.subvolumeById(5), "subvolume 5");
      expect(fileSystem.defaultSubvolumeId).toBeGreaterThanOrEqual(256n);
      expect(fileSystem.subvolumeId).toBe(fileSystem.defaultSubvolumeId);
      expect(await expectSameTree(fileSystem, fileSystem.root(), fixtures.file("fedora/root"))).toBeGreaterThan(5);
      expect(await expectSameTree(top, top.root(), fixtures.file("fedora"))).toBeGreaterThan(8);
      const root = await top.lookup(top.root(), "root");
      expect(root).toEqual(fileSystem.root());
      expect(compressedExtents("fedora.img").get(3)).toBeGreaterThanOrEqual(1);
    });

    it("opens subvolumes by path and by id, as subvol= and subvolid= do", async () => {
      const fileSystem = await open("fedora.img");
      const subvolumes = await fileSystem.subvolumes();
      expect(subvolumes.map(({ path, readOnly }) => ({ path, readOnly })).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { path: "home", readOnly: false },
        { path: "root", readOnly: false },
      ]);
      const home = defined(await fileSystem.subvolume("/home"), "subvolume /home");
      expect(home.subvolumeId).toBe(subvolumes.find((subvolume) => subvolume.path === "home")?.id);
      expect(await expectSameTree(home, home.root(), fixtures.file("fedora/home"))).toBe(2);
      const byId = await fileSystem.subvolumeById(home.subvolumeId);
      expect(byId?.root()).toEqual(home.root());
      expect(await fileSystem.subvolume("root")).not.toBeNull();
      expect(await fileSystem.subvolume("root/etc")).toBeNull(); // a directory, not a subvolume
      expect(await fileSystem.subvolume("nothing")).toBeNull();
      expect(await fileSystem.subvolumeById(4242)).toBeNull();
      expect(await fileSystem.subvolumeById(3)).toBeNull(); // the chunk tree is no subvolume
      expect((await fileSystem.subvolume(""))?.subvolumeId).toBe(5n);
    });

    it("shows a subvolume entry without its ROOT_REF as an empty directory, as the kernel does inside snapshots", async () => {
      const fileSystem = await open("orphan.img");
      const top = defined(await fileSystem.subvolumeById(5), "subvolume 5");
      const home = defined(await top.lookup(top.root(), "home"), "home");
      expect(home.tree).toBe(5n);
      expect(await top.stat(home)).toMatchObject({ type: "directory" });
      expect(await top.readdir(home)).toEqual([]);
      expect(await top.lookup(home, "user")).toBeNull();
      expect(await fileSystem.subvolume("home")).toBeNull();
      const listed = (await fileSystem.subvolumes()).find((subvolume) => subvolume.path === "home");
      const byId = defined(await fileSystem.subvolumeById(defined(listed, "subvolume home").id), "subvolume home by id");
      expect(await expectSameTree(byId, byId.root(), fixtures.file("fedora/home"))).toBe(2);
    });

    it("follows an openSUSE-like layout with nested subvolumes and a snapshot as the default", async () => {
      const fileSystem = await open("suse.img");
      const paths = (await fileSystem.subvolumes()).map((subvolume) => subvolume.path).sort();
      expect(paths).toEqual(["@", "@/.snapshots", "@/.snapshots/1/snapshot", "@/home", "@/var"]);
      const snapshot = defined(await fileSystem.subvolume("@/.snapshots/1/snapshot"), "the snapshot");
      expect(fileSystem.root()).toEqual(snapshot.root());
      expect(await expectSameTree(fileSystem, fileSystem.root(), fixtures.file("suse/@/.snapshots/1/snapshot"))).toBe(4);
      const top = defined(await fileSystem.subvolumeById(5), "subvolume 5");
      expect(await expectSameTree(top, top.root(), fixtures.file("suse"))).toBeGreaterThan(10);
      const home = defined(await fileSystem.subvolume("/@/home"), "subvolume /@/home");
      const guest = new GuestFs(fileSystem);
      guest.mount("/home", home);
      expect(await guest.readText("/home/user/notes")).toBe("user data\n");
      expect(await guest.readText("/etc/os-release")).toContain("opensuse-leap");
    });
  });

  describe("paths through GuestFs", () => {
    it("resolves relative, absolute, dangling and looping links inside the guest", async () => {
      const guest = new GuestFs(await open("zstd.img"));
      expect(await guest.readText("/links/absolute")).toBe('ID=hangar\nVERSION_ID="1"\n');
      expect(await guest.realpath("/links/absolute")).toBe("/etc/os-release");
      expect(await guest.realpath("/links/relative")).toBe("/text.txt");
      expect(await guest.readText("/links/dir-link/../sub/deeper/file")).toBe("deep\n");
      expect(await guest.resolve("/links/dangling")).toMatchObject({ ok: false, reason: "not-found" });
      expect(await guest.resolve("/links/loop-a")).toMatchObject({ ok: false, reason: "symlink-loop" });
      expect(await guest.resolve("/links/self")).toMatchObject({ ok: false, reason: "symlink-loop" });
      expect(await guest.readText("/utf8/日本語")).toBe("kanji\n");
      expect(await guest.readText("/utf8/emoji-🚀.txt")).toBe("rocket\n");
      expect((await guest.readdir("/links"))?.find((entry) => entry.name === "dir-link")?.type).toBe("symlink");
    });
  });

  describe("damaged and unsupported images", () => {
    it("returns null for data that is not btrfs", async () => {
      const bytes = new Uint8Array(256 * 1024);
      expect(await openBtrfsFileSystem({ size: bytes.length, read: (offset, length) => Promise.resolve(bytes.slice(offset, offset + length)) })).toBeNull();
      expect(await openBtrfsFileSystem({ size: 1000, read: () => Promise.resolve(new Uint8Array(0)) })).toBeNull();
    });

    it("falls back to the superblock mirror at 64 MiB when the primary is damaged", async () => {
      const fileSystem = await open("mirror.img");
      expect(fileSystem.uuid).toBe((await open("plain.img")).uuid);
      expect(await expectSameTree(fileSystem, fileSystem.root(), fixtures.file("tree"))).toBeGreaterThan(3000);
    });

    it("reports a damaged superblock without a mirror as corrupt", async () => {
      await expectInspectError(openBtrfsFileSystem(fileReader(fixtures.file("bad-super.img"))), "corrupt", /superblock is damaged/);
    });

    it("reports an image cut in half as truncated", async () => {
      await expectInspectError(openBtrfsFileSystem(fileReader(fixtures.file("truncated.img"))), "truncated", /cut off/);
    });

    it("reports one device of a multi-device RAID1 as unsupported", async () => {
      await expectInspectError(openBtrfsFileSystem(fileReader(fixtures.file("raid1-a.img"))), "unsupported", /2 devices/);
    });
  });

  it("reads a few blocks to open, look up and read one file, never the image", async () => {
    const log: { offset: number; length: number }[] = [];
    const total = () => log.splice(0).reduce((sum, read) => sum + read.length, 0);
    const guest = new GuestFs(await open("zstd.img", log));
    const opened = total();
    expect(await guest.readText("/dir/sub/deeper/file")).toBe("deep\n");
    const lookedUp = total();
    const file = defined(await guest.open("/text.txt"), "/text.txt");
    total();
    const bytes = await file.read(500000, 100);
    const readOne = total();
    expect(Buffer.from(bytes)).toEqual(fs.readFileSync(fixtures.file("tree/text.txt")).subarray(500000, 500100));
    // Opening: the superblock and the chunk and root tree blocks. A lookup: a few FS tree blocks.
    // Reading 100 bytes of a compressed file: the leaf with its extent item and one compressed extent.
    expect(opened).toBeLessThanOrEqual(4096 + 3 * 16384);
    expect(lookedUp).toBeLessThanOrEqual(6 * 16384);
    expect(readOne).toBeLessThanOrEqual(2 * 16384 + 128 * 1024);
  });

  it("reads the second copy of a DUP tree block when the first is damaged", async () => {
    const fileSystem = await open("dup-damaged.img");
    expect(await expectSameTree(fileSystem, fileSystem.root(), fixtures.file("tree"))).toBeGreaterThan(3000);
  });
});
