import { execFileSync } from "node:child_process";

/**
 * xfs_db (xfsprogs) as an independent oracle for the XFS reader's tests: it
 * runs read-only commands on an image and parses what it prints.
 */
export function xfsDb(image: string, commands: string[]): string {
  return execFileSync("xfs_db", ["-r", "-f", image], {
    input: `${commands.join("\n")}\nquit\n`,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export interface XfsDbEntry {
  name: string;
  ino: number;
  hash: number;
}

/** `ls DIR`: the entries of a directory, "." and ".." excluded. */
export function xfsDbList(image: string, dir: string): XfsDbEntry[] {
  const entries: XfsDbEntry[] = [];
  for (const line of xfsDb(image, [`ls ${dir}`]).split("\n")) {
    // offset, inode, type, hash, name length, name, "(good)"
    const match = /^\d+\s+(\d+)\s+\S+\s+0x([0-9a-f]+)\s+(\d+)\s(.*) \(\w+\)$/.exec(line);
    if (!match) continue;
    const name = match[4].trim();
    if (name !== "." && name !== "..") entries.push({ name, ino: Number(match[1]), hash: parseInt(match[2], 16) });
  }
  return entries;
}

/** `print FIELD...` of several inodes in one run: one map of field -> value per inode. */
export function xfsDbInodes(image: string, inodes: number[], fields: string[]): Map<number, Map<string, string>> {
  const output = xfsDb(
    image,
    inodes.flatMap((ino) => [`inode ${ino}`, `echo @@ ${ino}`, `print ${fields.join(" ")}`]),
  );
  const result = new Map<number, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const line of output.split("\n")) {
    const marker = /^@@ (\d+)\s*$/.exec(line);
    if (marker) {
      current = new Map();
      result.set(Number(marker[1]), current);
      continue;
    }
    const field = /^(\S+) = (.*)$/.exec(line);
    if (field && current) current.set(field[1], field[2]);
  }
  return result;
}

export interface XfsDbExtent {
  fileBlock: number;
  fsblock: number;
  length: number;
  unwritten: boolean;
}

/** `bmap` of a file: its data-fork extents. */
export function xfsDbBmap(image: string, path: string): XfsDbExtent[] {
  return xfsDb(image, [`path ${path}`, "bmap"])
    .split("\n")
    .flatMap((line) => {
      const m = /data offset (\d+) startblock (\d+) \(\S+\) count (\d+) flag (\d)/.exec(line);
      return m ? [{ fileBlock: Number(m[1]), fsblock: Number(m[2]), length: Number(m[3]), unwritten: m[4] === "1" }] : [];
    });
}

/** `convert FROM VALUE byte` for each value: where things lie in the image, in bytes. */
export function xfsDbByteOffsets(image: string, from: "ino" | "fsblock", values: number[]): number[] {
  const offsets = [
    ...xfsDb(
      image,
      values.map((value) => `convert ${from} ${value} byte`),
    ).matchAll(/\((\d+)\)/g),
  ].map((m) => Number(m[1]));
  if (offsets.length !== values.length) throw new Error(`xfs_db converted ${offsets.length} of ${values.length} ${from} numbers`);
  return offsets;
}
