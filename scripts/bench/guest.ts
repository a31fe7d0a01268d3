/**
 * Guest inspection benchmark: `npm run bench:guest`.
 *
 * A 4 GiB Debian 12 disk made from a full debootstrap root (scripts/bench/guest-image.sh, cached
 * outside the repository), as raw and as qcow2. For each, in one run:
 * - Hangar: inspectImage with Node's native zlib through the file reader `hangar inspect` uses
 *   (format checks, the walk and every guest check: the CLI's work without its process start),
 *   median of several runs, with its CPU time, the bytes read and the number of reads; and the
 *   same with the browser's pure-JavaScript decompressors;
 * - reading the same bytes: Hangar's reads replayed (same offsets, lengths and order) through the
 *   same file reader, doing nothing with them: the floor set by the disk and the page cache;
 * - `qemu-img info` on the same file (a process each run: what a tool that only reads headers costs);
 * - libguestfs' virt-inspector, once (BENCH_SKIP_VIRT_INSPECTOR=1 leaves it out; it takes tens of seconds).
 */
import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { NODE_CODECS } from "../../lib/inspect/node-codecs";
import { openFileReader } from "../../lib/inspect/readers/file";
import { bytesOf, inspect, loadAverage, measure, mib, ms, RUNS, virtInspector, type Reads } from "./guest-measure";

/** The same reads, in the same order, with nothing done with the bytes. */
export async function replay(file: string, reads: Reads): Promise<void> {
  const reader = await openFileReader(file);
  try {
    for (const { offset, length } of reads) await reader.read(offset, length);
  } finally {
    await reader.close();
  }
}

function qemuImgInfo(file: string): Promise<void> {
  const run = spawnSync("qemu-img", ["info", "--output=json", file], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`qemu-img info ${file}: ${run.stderr}`);
  return Promise.resolve();
}

async function main(): Promise<void> {
  const dir = execFileSync("bash", [path.join(import.meta.dirname, "guest-image.sh")], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim();
  const rows: string[] = [];
  const notes: string[] = [];
  const loadBefore = loadAverage();
  for (const [name, format] of [
    ["debian12.raw", "raw"],
    ["debian12.qcow2", "qcow2"],
  ] as const) {
    const file = path.join(dir, name);
    const reads: Reads = [];
    await inspect(file, NODE_CODECS, reads); // warms the page cache, and records the reads
    const bytes = bytesOf(reads);
    const hangar = await measure(() => inspect(file, NODE_CODECS));
    const same = await measure(() => replay(file, reads));
    const qemu = await measure(() => qemuImgInfo(file));
    const browser = await measure(() => inspect(file, undefined));
    const vi = virtInspector(file, format);
    if ("error" in vi) notes.push(`${name}: virt-inspector: ${vi.error}`);
    const ratio = (other: number) => `${(hangar.ms / other).toFixed(1)}x`;
    rows.push(
      [
        name,
        `${ms(hangar.ms)} (CPU ${ms(hangar.cpuMs)})`,
        `${mib(bytes)} in ${reads.length} reads`,
        `${ms(same.ms)} (${ratio(same.ms)})`,
        `${ms(qemu.ms)} (${ratio(qemu.ms)})`,
        `${ms(browser.ms)} (CPU ${ms(browser.cpuMs)})`,
        "error" in vi ? "could not run" : `${(vi.ms / 1000).toFixed(1)} s (${vi.mode}, ${(vi.ms / hangar.ms).toFixed(0)}x Hangar)`,
      ].join(" | "),
    );
  }
  console.log(`load average: ${loadBefore} at the start, ${loadAverage()} at the end (${os.cpus().length} cores); median of ${RUNS} runs`);
  console.log(
    "| image (4 GiB virtual) | hangar inspect (Node zlib) | read | reading the same bytes (Hangar / it) | qemu-img info (Hangar / it) | pure JavaScript (browser) | virt-inspector |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(`| ${row} |`);
  for (const note of notes) console.log(`\n${note}`);
}

await main();
