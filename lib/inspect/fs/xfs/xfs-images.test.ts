import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileReader } from "@/lib/testing/file-reader";
import { fixtureFamily } from "@/lib/testing/fixtures";
import { xfsDb, xfsDbBmap, xfsDbByteOffsets, xfsDbInodes, xfsDbList } from "@/lib/testing/xfs-db";
import type { FileType } from "../file-system";
import { openXfsFileSystem, type XfsFileSystem } from "./index";

// Differential tests: every fixture image (scripts/fixtures/20-fs-xfs.sh) read by the reader must
// match the tree it was built from and what xfs_db, an independent reader, says about it.

const family = fixtureFamily("fs-xfs");
const IMAGES = ["v5", "v4", "v5-1k", "v5-dir64k", "ci"];
/** Images with a file whose data fork craft.mjs rewrote as a B+tree (two levels on v5-1k). */
const CRAFTED = ["v5", "v4", "v5-1k", "v5-dir64k"];
const sha256 = (bytes: Uint8Array) => crypto.createHash("sha256").update(bytes).digest("hex");

interface Manifest {
  tree: string;
  mkfs: string;
  btreeFile?: {
    path: string;
    size: number;
    levels: number;
    sha256: string;
    extents: { fileBlock: number; fsblock: number; length: number; unwritten: boolean }[];
  };
}

interface Walked {
  ref: number;
  type: FileType;
}

/** Every path of the file system (the root is "/"), by readdir. */
async function walk(xfs: XfsFileSystem): Promise<Map<string, Walked>> {
  const found = new Map<string, Walked>([["/", { ref: xfs.root(), type: "directory" }]]);
  const pending = ["/"];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const entry of await xfs.readdir((found.get(dir) as Walked).ref)) {
      const child = path.posix.join(dir, entry.name);
      const type = entry.type ?? (await xfs.stat(entry.ref)).type;
      found.set(child, { ref: entry.ref, type });
      if (type === "directory") pending.push(child);
    }
  }
  return found;
}

const hostType = (stat: fs.Stats): FileType => (stat.isDirectory() ? "directory" : stat.isSymbolicLink() ? "symlink" : stat.isFile() ? "file" : "other");

/** Directories with thousands of entries are checked whole for names and lookups, and sampled for stat. */
const isBulk = (file: string) => /^\/dirs\/d\d+\//.test(file);

describe.skipIf(family.skipped)("XFS reader on the fixture images", () => {
  describe.each(IMAGES)("%s.img", (name) => {
    const image = family.file(`${name}.img`);
    let manifest: Manifest;
    let tree: string;
    // Unset when beforeAll failed before opening it.
    let reader: ReturnType<typeof fileReader> | undefined;
    let xfs: XfsFileSystem;
    let paths: Map<string, Walked>;

    beforeAll(async () => {
      manifest = JSON.parse(fs.readFileSync(`${image}.json`, "utf8")) as Manifest;
      tree = family.file(manifest.tree);
      reader = fileReader(image);
      const opened = await openXfsFileSystem(reader);
      if (!opened) throw new Error(`${image} was not recognised as XFS`);
      xfs = opened;
      paths = await walk(xfs);
    });
    afterAll(() => reader?.close());

    it("reports kind, UUID and label as xfs_db does", () => {
      const output = xfsDb(image, ["uuid", "label"]);
      expect(xfs.kind).toBe("xfs");
      expect(xfs.uuid).toBe(/UUID = (\S+)/.exec(output)?.[1]);
      expect(xfs.label ?? "").toBe(/label = "(.*)"/.exec(output)?.[1]);
    });

    it("lists every directory with the names of the source tree and the inodes xfs_db lists", () => {
      const hostPaths = new Set<string>(["/"]);
      const visit = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(tree, dir))) {
          const child = path.posix.join(dir, entry);
          hostPaths.add(child);
          if (fs.lstatSync(path.join(tree, child)).isDirectory()) visit(child);
        }
      };
      visit("/");
      expect([...paths.keys()].sort()).toEqual([...hostPaths].sort());
      for (const [dir, found] of paths) {
        if (found.type !== "directory") continue;
        const oracle = new Map(xfsDbList(image, dir).map((entry) => [entry.name, entry.ino]));
        const listed = new Map(
          [...paths].filter(([file]) => path.posix.dirname(file) === dir && file !== "/").map(([file, entry]) => [path.posix.basename(file), entry.ref]),
        );
        expect(listed, dir).toEqual(oracle);
      }
    });

    it("gives every file, symlink and directory the type, mode and content of the source tree", async () => {
      for (const [file, found] of paths) {
        const host = path.join(tree, file);
        const hostStat = fs.lstatSync(host);
        const stat = await xfs.stat(found.ref);
        expect(stat.type, file).toBe(hostType(hostStat));
        expect(found.type, file).toBe(stat.type);
        if (file !== "/") expect(stat.mode, file).toBe(hostStat.mode & 0o7777);
        if (stat.type === "symlink") {
          expect(await xfs.readlink(found.ref), file).toBe(fs.readlinkSync(host));
          expect(stat.size, file).toBe(Buffer.byteLength(fs.readlinkSync(host)));
        }
        if (stat.type === "file" && file !== manifest.btreeFile?.path) {
          expect(stat.size, file).toBe(hostStat.size);
          expect(sha256(await xfs.read(found.ref, 0, stat.size)), file).toBe(sha256(fs.readFileSync(host)));
        }
      }
    });

    it("agrees with xfs_db on mode, size, owner and mtime", async () => {
      const sampled = [...paths].filter(([file], i) => !isBulk(file) || i % 97 === 0);
      const oracle = xfsDbInodes(
        image,
        sampled.map(([, found]) => found.ref),
        ["core.mode", "core.size", "core.uid", "core.gid", "core.mtime.sec"],
      );
      expect(sampled.length).toBeGreaterThan(40);
      for (const [file, found] of sampled) {
        const fields = oracle.get(found.ref) as Map<string, string>;
        const stat = await xfs.stat(found.ref);
        expect(stat.mode, file).toBe(parseInt(fields.get("core.mode") as string, 8) & 0o7777);
        expect(stat.size, file).toBe(Number(fields.get("core.size")));
        expect([stat.uid, stat.gid], file).toEqual([Number(fields.get("core.uid")), Number(fields.get("core.gid"))]);
        expect(stat.mtime, file).toBe(Math.floor(Date.parse(fields.get("core.mtime.sec") as string) / 1000));
      }
    });

    it("finds every entry by lookup and nothing that is not there", async () => {
      for (const [file, found] of paths) {
        if (file === "/") continue;
        const parent = paths.get(path.posix.dirname(file)) as Walked;
        expect(await xfs.lookup(parent.ref, path.posix.basename(file)), file).toBe(found.ref);
      }
      for (const dir of ["/", "/dirs/d50", "/dirs/d500", "/dirs/d5000", "/dirs/d20000"]) {
        const found = paths.get(dir);
        if (!found) continue;
        expect(await xfs.lookup(found.ref, "no-such-entry"), dir).toBeNull();
        expect(await xfs.lookup(found.ref, "entry-00001x-not"), dir).toBeNull();
      }
      const root = xfs.root();
      expect(await xfs.lookup(root, "."), ".").toBe(root);
      expect(await xfs.lookup(root, ".."), "..").toBe(root);
    });

    it("sees the hard link as a second name of the same inode", async () => {
      const links = paths.get("/links") as Walked;
      const a = await xfs.lookup(links.ref, "a");
      if (name === "v5" || name === "v4") {
        expect(await xfs.lookup(links.ref, "b")).toBe(a);
        expect(xfsDbList(image, "/links").map((entry) => entry.ino)).toEqual([a, a]);
      } else {
        expect(await xfs.lookup(links.ref, "b")).not.toBe(a);
      }
    });
  });

  it.each(CRAFTED)("%s.img: reads the crafted B+tree file, holes and unwritten extents as zeros, the rest where xfs_db maps it", async (name) => {
    const image = family.file(`${name}.img`);
    const crafted = (JSON.parse(fs.readFileSync(`${image}.json`, "utf8")) as Manifest).btreeFile;
    if (!crafted) throw new Error(`${image}.json describes no crafted file`);
    const reader = fileReader(image);
    const xfs = (await openXfsFileSystem(reader)) as XfsFileSystem;
    const frag = (await xfs.lookup(xfs.root(), "frag")) as number;
    const ref = (await xfs.lookup(frag, "btree-file")) as number;
    const extents = xfsDbBmap(image, crafted.path);
    expect(extents).toEqual(crafted.extents);
    const fork = xfsDbInodes(image, [ref], ["core.format", `${name === "v4" ? "u" : "u3"}.bmbt.level`]).get(ref) as Map<string, string>;
    expect(fork.get("core.format")).toBe("3 (btree)");
    expect(Number(fork.get(`${name === "v4" ? "u" : "u3"}.bmbt.level`))).toBe(crafted.levels);

    const stat = await xfs.stat(ref);
    expect(stat.size).toBe(crafted.size);
    const whole = await xfs.read(ref, 0, stat.size);
    expect(sha256(whole)).toBe(crafted.sha256);

    // The same bytes assembled from xfs_db's map and the raw image.
    const blockSize = Number(/blocksize = (\d+)/.exec(xfsDb(image, ["sb 0", "print blocksize"]))?.[1]);
    const offsets = xfsDbByteOffsets(
      image,
      "fsblock",
      extents.map((extent) => extent.fsblock),
    );
    const expected = new Uint8Array(stat.size);
    for (const [i, extent] of extents.entries()) {
      if (extent.unwritten) continue;
      const at = extent.fileBlock * blockSize;
      expected.set(await reader.read(offsets[i], Math.min(extent.length * blockSize, stat.size - at)), at);
    }
    expect(sha256(whole)).toBe(sha256(expected));
    for (let i = 0; i < 40; i++) {
      const offset = Math.floor((((i * 7919) % 997) / 997) * stat.size);
      const length = 1 + ((i * 104729) % (3 * blockSize));
      expect(await xfs.read(ref, offset, length)).toEqual(expected.subarray(offset, offset + length));
    }
    expect(await xfs.read(ref, stat.size - 10, 100)).toEqual(expected.subarray(stat.size - 10));
    expect((await xfs.read(ref, stat.size + 5, 10)).length).toBe(0);
    reader.close();
  });

  it("exercise the features they are meant to: v4 without ftype, v5 with ftype, sparse inodes and bigtime, nrext64, ascii-ci, meta_uuid, 4 KiB sectors", () => {
    const superblock = (name: string) => {
      const output = xfsDb(family.file(`${name}.img`), ["sb 0", "print versionnum features2 features_incompat sectsize"]);
      const field = (key: string) => Number(new RegExp(`${key} = (\\S+)`).exec(output)?.[1]);
      return {
        version: field("versionnum") & 0xf,
        ci: (field("versionnum") & 0x4000) !== 0,
        features2: field("features2"),
        incompat: field("features_incompat"),
        sector: field("sectsize"),
      };
    };
    const v4 = superblock("v4");
    expect([v4.version, v4.features2 & 0x200]).toEqual([4, 0]);
    expect(superblock("v5").incompat & 0xb).toBe(0xb);
    expect(superblock("v5-1k").incompat & 0x20).toBe(0x20);
    expect(superblock("v5-dir64k").incompat & 0x4).toBe(0x4);
    expect(superblock("v5-dir64k").sector).toBe(4096);
    expect(superblock("ci").ci).toBe(true);
    const v5k = family.file("v5-1k.img");
    const file = xfsDbList(v5k, "/files").find((entry) => entry.name === "multi-300k")?.ino as number;
    expect(Number(xfsDbInodes(v5k, [file], ["v3.flags2"]).get(file)?.get("v3.flags2")) & 0x10).toBe(0x10);
  });

  it("cover every directory form: short form, block, leaf, node (with one leaf or a node root) with an extent list or a B+tree fork", () => {
    const forms = new Set<string>();
    for (const name of IMAGES) {
      const image = family.file(`${name}.img`);
      const sb = xfsDb(image, ["sb 0", "print blocksize dirblklog"]);
      const blockSize = Number(/blocksize = (\d+)/.exec(sb)?.[1]);
      const dirBlockSize = blockSize << Number(/dirblklog = (\d+)/.exec(sb)?.[1]);
      for (const entry of xfsDbList(image, "/dirs")) {
        // The hash index starts at 32 GiB into the directory, the free-space index at 64 GiB.
        const output = xfsDb(image, [
          `inode ${entry.ino}`,
          "print core.format core.size",
          `dblock ${2 ** 35 / blockSize}`,
          "print",
          `inode ${entry.ino}`,
          `dblock ${2 ** 36 / blockSize}`,
          "print",
        ]);
        const format = /core\.format = \d+ \((\w+)\)/.exec(output)?.[1];
        const size = Number(/core\.size = (\d+)/.exec(output)?.[1]);
        const index = Number(/[ln]hdr\.info\.(?:hdr\.)?magic = (0x[0-9a-f]+)/.exec(output)?.[1]);
        const freeIndex = /fhdr\.(?:hdr\.)?magic = 0x5844(?:3246|4633)/.test(output);
        const fork = format === "btree" ? "B+tree fork" : "extent list";
        if (format === "local") forms.add("short form");
        else if (size === dirBlockSize) forms.add("block");
        else if (index === 0x3df1 || index === 0xd2f1) forms.add(`leaf, ${fork}`);
        else if ((index === 0x3dff || index === 0xd2ff) && freeIndex) forms.add(`node with one leaf, ${fork}`);
        else if ((index === 0x3ebe || index === 0xfebe) && freeIndex) forms.add(`node, ${fork}`);
        else throw new Error(`${name}:/dirs/${entry.name} has no recognisable form`);
      }
    }
    expect([...forms]).toEqual(
      expect.arrayContaining(["short form", "block", "leaf, extent list", "node with one leaf, extent list", "node, extent list", "node, B+tree fork"]),
    );
  });

  it("the case-insensitive image finds names in any case, the others only as stored", async () => {
    const open = async (name: string) => (await openXfsFileSystem(fileReader(family.file(`${name}.img`)))) as XfsFileSystem;
    const ci = await open("ci");
    const plain = await open("v5");
    for (const xfs of [ci, plain]) {
      const dirs = (await xfs.lookup(xfs.root(), "dirs")) as number;
      const d500 = (await xfs.lookup(dirs, "d500")) as number;
      const stored = await xfs.lookup(d500, "entry-00042xxx");
      expect(stored).not.toBeNull();
      const shouted = await xfs.lookup(d500, "ENTRY-00042XXX");
      expect(shouted).toBe(xfs === ci ? stored : null);
      expect(await xfs.lookup(xfs.root(), "ETC")).toBe(xfs === ci ? await xfs.lookup(xfs.root(), "etc") : null);
    }
  });

  it("the directory name hash matches the one xfs_db lists for every entry", async () => {
    const { directoryHash } = await import("./dir-hash");
    for (const name of ["v5", "ci"]) {
      const image = family.file(`${name}.img`);
      for (const dir of ["/names", "/dirs/d500", "/symlinks"]) {
        for (const entry of xfsDbList(image, dir)) {
          expect(directoryHash(new TextEncoder().encode(entry.name), name === "ci"), `${name}:${dir}/${entry.name}`).toBe(entry.hash);
        }
      }
    }
  });
});
