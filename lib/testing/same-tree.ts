import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { FileSystem, FileType } from "../inspect/fs/file-system";

/** Test helpers for file-system readers: compare what a reader sees with the source tree it was built from. */

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function sourceType(stats: fs.Stats): FileType {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "directory";
  if (stats.isSymbolicLink()) return "symlink";
  return "other";
}

/**
 * Walks `dir` of the file system and the source directory `source` together:
 * the same names, types, sizes, permissions and owners, the same file
 * contents (sha256) and symlink targets, and every readdir entry found again
 * by lookup (DIR_INDEX and DIR_ITEM agree). Returns how many entries it saw.
 */
export async function expectSameTree<Ref>(fileSystem: FileSystem<Ref>, dir: Ref, source: string): Promise<number> {
  const entries = await fileSystem.readdir(dir);
  const names = entries.map((entry) => entry.name);
  expect([...names].sort(), source).toEqual(fs.readdirSync(source).sort());
  let seen = entries.length;
  for (const entry of entries) {
    const where = path.join(source, entry.name);
    const expected = fs.lstatSync(where);
    const stat = await fileSystem.stat(entry.ref);
    expect({ path: where, type: stat.type, entryType: entry.type ?? stat.type, mode: stat.mode, uid: stat.uid, gid: stat.gid }).toEqual({
      path: where,
      type: sourceType(expected),
      entryType: sourceType(expected),
      mode: expected.mode & 0o7777,
      uid: expected.uid,
      gid: expected.gid,
    });
    expect(await fileSystem.lookup(dir, entry.name), where).toEqual(entry.ref);
    if (stat.type === "file") {
      expect(stat.size, where).toBe(expected.size);
      expect(sha256(await fileSystem.read(entry.ref, 0, stat.size)), where).toBe(sha256(fs.readFileSync(where)));
    } else if (stat.type === "symlink") {
      expect(await fileSystem.readlink(entry.ref), where).toBe(fs.readlinkSync(where));
      expect(stat.size, where).toBe(fs.readlinkSync(where, { encoding: "buffer" }).length);
    } else if (stat.type === "directory") {
      seen += await expectSameTree(fileSystem, entry.ref, where);
    }
  }
  return seen;
}
