import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFamily } from "../../../testing/fixtures";
import type { FileType } from "../file-system";
import { type ExtFileSystem, openExtFileSystem } from "./index";
import { parseListing, parseStat, runDebugfs, runDebugfsWritable } from "./testing/debugfs";
import { fileReader, recordingReader } from "../../../testing/file-reader";

const family = fixtureFamily("fs-ext");
const IMAGES = [
  "ext2.img",
  "ext2-rev0.img",
  "ext3.img",
  "ext4.img",
  "ext4-1k.img",
  "ext4-inline.img",
  "ext4-64k.img",
  "ext4-bigalloc.img",
  "ext3-recover.img",
  "ext4-recover.img",
];
/** Files above this are not dumped by debugfs (it writes holes as zeros); their size is still compared. */
const DUMP_LIMIT = 64 * 1024 * 1024;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-ext-diff-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/**
 * What debugfs should read: the image itself, or for an image left with a journal to replay, a
 * copy on which debugfs ran the recovery (journal_run), since debugfs reads without replaying.
 */
function oracleImage(image: string): string {
  if (!image.includes("recover")) return family.file(image);
  const copy = path.join(work, `replayed-${image}`);
  fs.copyFileSync(family.file(image), copy);
  runDebugfsWritable(copy, "journal_run");
  return copy;
}

interface Walked {
  directories: Map<number, { name: string; ref: number; type?: FileType }[]>;
  types: Map<number, FileType>;
  sizes: Map<number, number>;
}

/** Every directory reachable from the root, listed through the reader. */
async function walk(ext: ExtFileSystem): Promise<Walked> {
  const directories = new Map<number, { name: string; ref: number; type?: FileType }[]>();
  const types = new Map<number, FileType>([[ext.root(), "directory"]]);
  const sizes = new Map<number, number>();
  const queue = [ext.root()];
  while (queue.length > 0) {
    const dir = queue.shift() as number;
    if (directories.has(dir)) continue;
    const entries = await ext.readdir(dir);
    directories.set(dir, entries);
    for (const entry of entries) {
      const { type, size } = await ext.stat(entry.ref);
      types.set(entry.ref, type);
      sizes.set(entry.ref, size);
      if (type === "directory") queue.push(entry.ref);
    }
  }
  return { directories, types, sizes };
}

async function sha256Of(ext: ExtFileSystem, ino: number, size: number): Promise<string> {
  const hash = createHash("sha256");
  for (let offset = 0; offset < size; offset += 1024 * 1024) hash.update(await ext.read(ino, offset, 1024 * 1024));
  return hash.digest("hex");
}

/** debugfs dumps the whole inline-data area (60 bytes and more) of a short inline file: cut to i_size. */
const sha256Dump = (file: string, size: number) => createHash("sha256").update(fs.readFileSync(file).subarray(0, size)).digest("hex");

const typeOfMode = (mode: number): FileType =>
  (({ 0x8000: "file", 0x4000: "directory", 0xa000: "symlink" }) as Record<number, FileType>)[mode & 0xf000] ?? "other";

describe.skipIf(family.skipped)("the ext reader agrees with debugfs", () => {
  for (const image of IMAGES) {
    it(`${image}: every listing, inode, file and symlink`, async () => {
      const file = fileReader(family.file(image));
      const reader = recordingReader(file);
      const ext = await openExtFileSystem(reader);
      expect(ext).not.toBeNull();
      if (!ext) return;
      const { directories, types, sizes } = await walk(ext);
      const inodes = [...types.keys()];
      const dumps = path.join(work, image);
      fs.mkdirSync(dumps, { recursive: true });
      const commands = [
        ...[...directories.keys()].map((ino) => `ls -p <${ino}>`),
        ...inodes.map((ino) => `stat <${ino}>`),
        ...inodes.filter((ino) => types.get(ino) !== "directory" && (sizes.get(ino) ?? 0) <= DUMP_LIMIT).map((ino) => `dump <${ino}> ${dumps}/${ino}`),
      ];
      const oracle = runDebugfs(oracleImage(image), commands);

      for (const [dir, entries] of directories) {
        const listing = parseListing(oracle.get(`ls -p <${dir}>`) as Buffer).filter((entry) => entry.name !== "." && entry.name !== "..");
        const ours = entries.map((entry) => `${entry.name} -> ${entry.ref}`).sort();
        expect(ours, `directory ${dir}`).toEqual(listing.map((entry) => `${entry.name} -> ${entry.ino}`).sort());
        for (const entry of listing) {
          const stat = await ext.stat(entry.ino);
          expect({ type: stat.type, mode: stat.mode, uid: stat.uid, gid: stat.gid }, `${entry.name} in ${dir}`).toEqual({
            type: typeOfMode(entry.mode),
            mode: entry.mode & 0o7777,
            uid: entry.uid,
            gid: entry.gid,
          });
          const ourType = entries.find((candidate) => candidate.ref === entry.ino)?.type;
          if (ourType !== undefined) expect(ourType, `the entry type of ${entry.name}`).toBe(stat.type);
        }
      }

      for (const ino of inodes) {
        const expected = parseStat(oracle.get(`stat <${ino}>`) as Buffer);
        const stat = await ext.stat(ino);
        expect({ size: stat.size, mtime: stat.mtime, uid: stat.uid, gid: stat.gid }, `inode ${ino}`).toEqual({
          size: expected.size,
          mtime: expected.mtime,
          uid: expected.uid,
          gid: expected.gid,
        });
        if (stat.type === "file" && stat.size <= DUMP_LIMIT) {
          expect(await sha256Of(ext, ino, stat.size), `contents of inode ${ino}`).toBe(sha256Dump(path.join(dumps, String(ino)), expected.size));
        }
        if (stat.type === "symlink") {
          const target =
            expected.fastLink ??
            fs
              .readFileSync(path.join(dumps, String(ino)))
              .subarray(0, expected.size)
              .toString("utf8");
          expect(await ext.readlink(ino), `target of symlink ${ino}`).toBe(target);
        }
      }
      file.close();
    });
  }
});
