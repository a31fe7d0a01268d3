// The ext reader against debugfs (e2fsprogs, C) doing the same work on the same fixture image in
// the same run: the ratio says how far the TypeScript reader is from the reference tool, and the
// bytes read say how little of the image a lookup touches. Needs e2fsprogs and the fs-ext fixtures.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openExtFileSystem } from "../../lib/inspect/fs/ext/index";
import { bigDirName } from "../../lib/inspect/fs/ext/testing/fixture-tree";
import { GuestFs } from "../../lib/inspect/fs/guest-fs";
import { fileReader, recordingReader } from "../../lib/testing/file-reader";
import { fixtureFamily } from "../../lib/testing/fixtures";

execFileSync("bash", ["scripts/fixtures/build.sh"], { stdio: "inherit" });
const family = fixtureFamily("fs-ext");
if (family.skipped) throw new Error(`fs-ext fixtures unavailable: ${family.skipped}`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-ext-"));

function debugfs(image: string, commands: string[]): void {
  const file = path.join(work, "commands");
  fs.writeFileSync(file, `${commands.join("\n")}\n`);
  execFileSync("debugfs", ["-f", file, image], { stdio: ["ignore", "ignore", "ignore"], maxBuffer: 1 << 30 });
}

async function median(run: () => unknown, repeat = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeat / 2)];
}

interface Case {
  name: string;
  image: string;
  ours: (guest: GuestFs) => Promise<unknown>;
  debugfs: string[];
}

const names = Array.from({ length: 200 }, (_, i) => bigDirName((i * 7919) % 10_000));
const cases: Case[] = [
  {
    name: "200 lookups in a 10,000-entry htree dir (1 KiB blocks)",
    image: "ext4-1k.img",
    ours: (guest) => Promise.all(names.map((name) => guest.stat(`/big/${name}`))),
    debugfs: names.map((name) => `stat "/big/${name}"`),
  },
  {
    name: "read a 3 MiB sparse file, depth-2 extent tree",
    image: "ext4-1k.img",
    ours: (guest) => guest.readFile("/sparse/runs.bin", 16 * 1024 * 1024),
    debugfs: [`dump /sparse/runs.bin ${path.join(work, "dump")}`],
  },
  {
    name: "list the 10,000-entry dir (4 KiB blocks)",
    image: "ext4.img",
    ours: (guest) => guest.readdir("/big"),
    debugfs: ["ls -l /big"],
  },
  {
    name: "/etc/os-release through a symlink (4 KiB blocks)",
    image: "ext4.img",
    ours: (guest) => guest.readText("/links/absolute"),
    debugfs: ["cat /etc/os-release"],
  },
];

console.log("case                                                     hangar (cold)   debugfs   ratio   bytes read");
for (const entry of cases) {
  const image = family.file(entry.image);
  let bytes = 0;
  const ours = await median(async () => {
    const file = fileReader(image);
    const reader = recordingReader(file);
    const ext = await openExtFileSystem(reader);
    if (!ext) throw new Error(`${entry.image} is not ext`);
    await entry.ours(new GuestFs(ext));
    bytes = reader.bytesRead();
    file.close();
  });
  const theirs = await median(() => debugfs(image, entry.debugfs));
  console.log(
    `${entry.name.padEnd(56)} ${ours.toFixed(1).padStart(9)} ms ${theirs.toFixed(1).padStart(7)} ms ${(ours / theirs).toFixed(2).padStart(6)}x ${(bytes / 1024).toFixed(0).padStart(8)} KiB`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
