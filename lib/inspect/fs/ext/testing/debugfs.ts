import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * debugfs (e2fsprogs) as the oracle for the ext reader: it reads image files without mounting,
 * and one run answers a whole command file. Tests only.
 */

export interface ListedEntry {
  ino: number;
  /** i_mode, with the file type bits. */
  mode: number;
  uid: number;
  gid: number;
  name: string;
  /** Empty for directories in `ls -p` output. */
  size: number | null;
}

export interface StatResult {
  ino: number;
  flags: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  links: number;
  /** The target debugfs prints for fast and inline symlinks. */
  fastLink: string | null;
}

/** Runs `commands` in one debugfs process; returns each command's output (raw bytes, names may be any UTF-8). */
export function runDebugfs(image: string, commands: string[]): Map<string, Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-debugfs-"));
  try {
    const file = path.join(dir, "commands");
    fs.writeFileSync(file, `${commands.join("\n")}\n`);
    const out = execFileSync("debugfs", ["-f", file, image], { maxBuffer: 512 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
    const results = new Map<string, Buffer>();
    const marker = Buffer.from("debugfs: ");
    const starts: number[] = [];
    for (let at = out.indexOf(marker); at >= 0; at = out.indexOf(marker, at + 1)) if (at === 0 || out[at - 1] === 0x0a) starts.push(at);
    starts.forEach((start, i) => {
      const end = i + 1 < starts.length ? starts[i + 1] : out.length;
      const lineEnd = Math.min(end, out.indexOf(0x0a, start) < 0 ? end : out.indexOf(0x0a, start));
      results.set(out.subarray(start + marker.length, lineEnd).toString("utf8"), out.subarray(Math.min(end, lineEnd + 1), end));
    });
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one command with the image opened for writing (on a copy: journal_run). */
export function runDebugfsWritable(image: string, command: string): void {
  execFileSync("debugfs", ["-w", "-R", command, image], { stdio: ["ignore", "ignore", "pipe"] });
}

/** Parses `ls -p` output (lines of /inode/mode/uid/gid/name/size/), without the empty slots it also prints. */
export function parseListing(output: Buffer): ListedEntry[] {
  return output
    .toString("utf8")
    .split("\n")
    .filter((line) => line.startsWith("/"))
    .map((line) => {
      const fields = line.slice(1, -1).split("/");
      if (fields.length !== 6) throw new Error(`unexpected ls -p line ${JSON.stringify(line)}`);
      const [ino, mode, uid, gid, name, size] = fields;
      return { ino: Number(ino), mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), name, size: size === "" ? null : Number(size) };
    })
    .filter((entry) => entry.ino !== 0);
}

/** Parses `stat <ino>` output. */
export function parseStat(output: Buffer): StatResult {
  const text = output.toString("utf8");
  const field = (pattern: RegExp) => {
    const match = pattern.exec(text);
    if (!match) throw new Error(`debugfs stat output lacks ${pattern}: ${text.slice(0, 400)}`);
    return match;
  };
  const mtime = field(/^ ?mtime: 0x([0-9a-f]+)(?::([0-9a-f]+))?/m);
  const extra = mtime[2] ? parseInt(mtime[2], 16) : 0;
  const fast = /^Fast link dest: "(.*)"$/m.exec(text);
  return {
    ino: Number(field(/^Inode: (\d+)/m)[1]),
    flags: parseInt(field(/Flags: 0x([0-9a-f]+)/)[1], 16),
    uid: Number(field(/User: +(\d+)/)[1]),
    gid: Number(field(/Group: +(\d+)/)[1]),
    size: Number(field(/Size: (\d+)/)[1]),
    mtime: (parseInt(mtime[1], 16) | 0) + (extra & 3) * 2 ** 32,
    links: Number(field(/Links: (\d+)/)[1]),
    fastLink: fast ? fast[1] : null,
  };
}
