import { createHash } from "node:crypto";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { recordingReader } from "../../../testing/file-reader";
import { fixtureReaders } from "../../testing/fixture-readers";
import { fixtureFamily } from "../../../testing/fixtures";
import type { FileType } from "../file-system";
import { GuestFs } from "../guest-fs";
import { ATTR } from "./attributes";
import { parseBootSector } from "./boot-sector";
import { openNtfsFileSystem, type NtfsFileSystem } from "./index";
import { NtfsVolume } from "./volume";

const family = fixtureFamily("ntfs");
const VOLUMES = ["tree", "small-clusters", "large-clusters"];

interface OracleEntry {
  type: string;
  size: number;
  inode: number;
  path: string;
  target: string;
}

/** What ntfs-3g showed of a volume (scripts/fixtures/ntfs/oracle.sh): find's listing, sha256sum's hashes, getfattr's reparse data. */
function oracle(name: string) {
  const entries = fs
    .readFileSync(family.file(`${name}.find`), "utf8")
    .trimEnd()
    .split("\n")
    .map((line): OracleEntry => {
      const [type, size, inode, path, target] = line.split("\t");
      return { type, size: Number(size), inode: Number(inode), path, target };
    });
  const hashes = new Map(
    fs
      .readFileSync(family.file(`${name}.sha256`), "utf8")
      .trimEnd()
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(66).replace(/^\.\//, ""), line.slice(0, 64)] as const),
  );
  const xattrs: { path: string; name: string; hex: string }[] = [];
  let current = "";
  for (const line of fs.readFileSync(family.file(`${name}.xattr`), "utf8").split("\n")) {
    if (line.startsWith("# file: ")) current = line.slice(8).replace(/^\.\//, "");
    const match = /^(system\.ntfs_\w+)=0x([0-9a-f]+)$/.exec(line);
    if (match) xattrs.push({ path: current, name: match[1], hex: match[2] });
  }
  return { entries, hashes, xattrs };
}

/** The value, or a test failure naming what was missing. */
function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`);
  return value;
}

const open = fixtureReaders(family, ".ntfs");

interface Walked {
  type: FileType;
  size: number;
  ref: number;
  target?: string;
  sha256?: string;
}

/** Everything the reader lists under the root, symlinks not followed. */
async function walk(ntfs: NtfsFileSystem): Promise<Map<string, Walked>> {
  const out = new Map<string, Walked>();
  const visit = async (dir: number, prefix: string) => {
    for (const entry of await ntfs.readdir(dir)) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const stat = await ntfs.stat(entry.ref);
      if (entry.type) expect(entry.type, path).toBe(stat.type);
      const walked: Walked = { type: stat.type, size: stat.size, ref: entry.ref };
      if (stat.type === "file")
        walked.sha256 = createHash("sha256")
          .update(await ntfs.read(entry.ref, 0, stat.size))
          .digest("hex");
      if (stat.type === "symlink") walked.target = await ntfs.readlink(entry.ref);
      out.set(path, walked);
      if (stat.type === "directory") await visit(entry.ref, path);
    }
  };
  await visit(ntfs.root(), "");
  return out;
}

/** ntfs-3g shows an absolute link through its mount point, a drive letter's through /.NTFS-3G/X:; the reader gives the volume path. */
function expectedTarget(target: string): string | null {
  const drive = /\/\.NTFS-3G\/([A-Z]):(\/.*)?$/.exec(target);
  if (drive) return drive[1] === "C" ? drive[2] || "/" : null;
  const mounted = /^\/tmp\/[^/]+\/mnt(\/.*)$/.exec(target);
  return mounted ? mounted[1] : target;
}

describe.skipIf(family.skipped)("NTFS reader against ntfs-3g (volumes made by mkntfs, filled through an ntfs-3g mount)", () => {
  for (const name of VOLUMES) {
    it(`${name}: every name, type, size, MFT record, link target and file hash as ntfs-3g shows them`, async () => {
      const ntfs = must(await openNtfsFileSystem(open(name)), name);
      expect(ntfs.kind).toBe("ntfs");
      const walked = await walk(ntfs);
      const { entries, hashes } = oracle(name);
      expect([...walked.keys()].sort()).toEqual(entries.map((e) => e.path).sort());
      for (const entry of entries) {
        const mine = must(walked.get(entry.path), entry.path);
        expect(mine.ref, entry.path).toBe(entry.inode);
        if (entry.type === "f") {
          expect({ path: entry.path, type: mine.type, size: mine.size, sha256: mine.sha256 }).toEqual({
            path: entry.path,
            type: "file",
            size: entry.size,
            sha256: hashes.get(entry.path),
          });
        } else if (entry.type === "d") {
          expect(mine.type, entry.path).toBe("directory");
        } else {
          const target = expectedTarget(entry.target);
          if (target === null) expect(mine.type, `${entry.path} leads off the volume`).toBe("other");
          else expect({ path: entry.path, type: mine.type, target: mine.target }).toEqual({ path: entry.path, type: "symlink", target });
        }
      }
    });
  }

  it("tree: label, serial and volume geometry from the boot sector", async () => {
    const ntfs = must(await openNtfsFileSystem(open("tree")), "tree");
    expect(ntfs.label).toBe("Tree");
    expect(ntfs.uuid).toMatch(/^[0-9a-f]{16}$/);
    expect(ntfs.dirty).toBe(false);
    const small = parseBootSector(await open("small-clusters").read(0, 512));
    expect(small).toMatchObject({ clusterSize: 512, recordSize: 1024 });
    const large = parseBootSector(await open("large-clusters").read(0, 512));
    expect(large).toMatchObject({ bytesPerSector: 4096, clusterSize: 65536 });
  });

  it("tree: names compare without case through $UpCase, DOS names resolve, and paths go through junctions", async () => {
    const guest = new GuestFs(must(await openNtfsFileSystem(open("tree")), "tree"));
    expect(await guest.readText("/windows/SYSTEM32/Drivers/ETC/HOSTS")).toBe("127.0.0.1 localhost\n");
    expect(await guest.readText("/PROGRA~1/Common Files/shared.txt")).toBe("common\n");
    expect(await guest.readText("/ünïcödé.TXT")).toBe("Ünïcödé\n");
    expect(await guest.readText("/Users/Default User/NTUSER.DAT")).toBe("default profile\n");
    expect(await guest.realpath("/Users/Default User/NTUSER.DAT")).toBe("/Users/Default/NTUSER.DAT");
    expect(await guest.readText("/links/relative.txt")).toBe("small and resident\n");
    expect(await guest.stat("/links/other-drive/anything")).toBeNull();
    expect((await guest.readdir("/PROGRA~1"))?.map((e) => e.name)).toEqual(["Common Files"]);
    // The DOS name is found, never listed.
    expect((await guest.readdir("/"))?.map((e) => e.name)).not.toContain("PROGRA~1");
    expect(await guest.stat("/nothing/here")).toBeNull();
  });

  it("tree: the reparse points and DOS names getfattr shows are the ones the reader finds", async () => {
    const reader = open("tree");
    const ntfs = must(await openNtfsFileSystem(reader), "tree");
    const guest = new GuestFs(ntfs);
    const volume = await NtfsVolume.open(reader, parseBootSector(await reader.read(0, 512)));
    const { xattrs } = oracle("tree");
    expect(xattrs.length).toBeGreaterThanOrEqual(5);
    for (const { path, name, hex } of xattrs) {
      const found = await guest.resolve(`/${path}`, false);
      expect(found.ok, path).toBe(true);
      if (!found.ok) continue;
      const node = await volume.node(found.ref as number);
      if (name === "system.ntfs_reparse_data") {
        const reparse = node.attributes.find((a) => a.type === ATTR.reparsePoint);
        expect(reparse?.resident && Buffer.from(reparse.value).toString("hex"), path).toBe(hex);
      } else {
        const dos = Buffer.from(hex, "hex").toString("latin1");
        const parent = await guest.resolve(`/${path.split("/").slice(0, -1).join("/")}`);
        expect(parent.ok && (await ntfs.lookup(parent.ref as number, dos)), `${path} as ${dos}`).toBe(found.ref);
      }
    }
  });

  it("tree: a directory of 5,000 entries is a multi-level index; a lookup reads a few index blocks, not the directory", async () => {
    const recorded = recordingReader(open("tree"));
    const guest = new GuestFs(must(await openNtfsFileSystem(recorded), "tree"));
    await guest.stat("/big");
    const before = recorded.reads.length;
    expect(await guest.readText("/big/FILE-WITH-A-LONGISH-NAME-02500.TXT")).toBe("in the big directory\n");
    const blocks: Uint8Array[] = [];
    for (const read of recorded.reads.slice(before)) blocks.push(await recorded.read(read.offset, 4));
    const indexBlocks = blocks.filter((b) => Buffer.from(b).toString("latin1") === "INDX").length;
    expect(indexBlocks).toBeGreaterThanOrEqual(2);
    expect(indexBlocks).toBeLessThan(6);
    expect(await guest.stat("/big/file-with-a-longish-name-05001.txt")).toBeNull();
    expect((await guest.readdir("/big"))?.length).toBe(5000);
  });

  it("tree: a file with 61 names spreads over extension records through an attribute list; a striped file's runs span several extents", async () => {
    const reader = open("tree");
    const ntfs = must(await openNtfsFileSystem(reader), "tree");
    const guest = new GuestFs(ntfs);
    const volume = await NtfsVolume.open(reader, parseBootSector(await reader.read(0, 512)));
    const target = await guest.resolve("/many-links/target.txt");
    if (!target.ok) throw new Error("many-links/target.txt is missing");
    const node = await volume.node(target.ref as number);
    expect(node.attributes.filter((a) => a.type === ATTR.fileName)).toHaveLength(61);
    expect((await volume.record(node.number)).attributes.some((a) => a.type === ATTR.attributeList)).toBe(true);
    const names = await guest.readdir("/many-links");
    expect(names).toHaveLength(61);
    const striped = await guest.resolve("/striped.bin");
    if (!striped.ok) throw new Error("striped.bin is missing");
    const data = (await volume.node(striped.ref as number)).attributes.find((a) => a.type === ATTR.data);
    expect(data && !data.resident && data.runs.length).toBeGreaterThan(1000);
    const base = await volume.record(striped.ref as number);
    const list = base.attributes.find((a) => a.type === ATTR.attributeList);
    expect(list?.resident).toBe(false);
    expect(base.attributes.filter((a) => a.type === ATTR.data).length).toBeLessThan(2);
  });

  it("compressed and sparse files: a read of a range returns the same bytes as the whole file has there", async () => {
    const guest = new GuestFs(must(await openNtfsFileSystem(open("tree")), "tree"));
    for (const path of ["/compressed/seq.txt", "/compressed/mixed.bin", "/sparse.bin", "/fragmented.bin", "/striped.bin"]) {
      const file = must(await guest.open(path), path);
      const whole = await file.read(0, file.size);
      for (const [offset, length] of [
        [1, 10],
        [4095, 3],
        [65530, 20],
        [65536 * 2 + 17, 70000],
        [3 * 1024 * 1024 - 5, 5010],
      ]) {
        if (offset >= file.size) continue;
        expect(Buffer.from(await file.read(offset, length)).equals(Buffer.from(whole.subarray(offset, offset + length))), `${path} at ${offset}`).toBe(true);
      }
    }
  });
});
