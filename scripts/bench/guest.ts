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
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { inspectImage } from "../../lib/inspect/index";
import { NODE_CODECS } from "../../lib/inspect/node-codecs";
import { openFileReader } from "../../lib/inspect/readers/file";
import type { Codecs } from "../../lib/inspect/codecs";
import { recordingReader } from "../../lib/testing/file-reader";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const MiB = 1024 * 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(0)} ms`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

interface Measure {
  ms: number;
  /** CPU time of this process, every thread (user + system): what a loaded machine inflates least. */
  cpuMs: number;
}

async function measure(run: () => Promise<unknown>): Promise<Measure> {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    await run();
    const used = process.cpuUsage(startCpu);
    times.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpu) };
}

type Reads = { offset: number; length: number }[];

/** What `hangar inspect FILE` does after its process starts: open, inspect, close. */
async function inspect(file: string, codecs: Codecs | undefined, reads: Reads = []): Promise<void> {
  const reader = await openFileReader(file);
  try {
    const report = await inspectImage(recordingReader(reader, reads), { fileName: path.basename(file), codecs });
    if (!report.guest?.osType) throw new Error(`${file}: no guest found (${report.checks.map((c) => `${c.id}=${c.code}`).join(", ")})`);
  } finally {
    await reader.close();
  }
}

/** The same reads, in the same order, with nothing done with the bytes. */
async function replay(file: string, reads: Reads): Promise<void> {
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

/** virt-inspector with KVM, else with TCG (software emulation); the time, or why it could not run. */
function virtInspector(file: string, format: string): { ms: number; mode: string } | { error: string } {
  if (process.env.BENCH_SKIP_VIRT_INSPECTOR) return { error: "skipped (BENCH_SKIP_VIRT_INSPECTOR)" };
  const which = spawnSync("sh", ["-c", "command -v virt-inspector"]);
  if (which.status !== 0) return { error: "virt-inspector is not installed (apt-get install libguestfs-tools)" };
  const errors: string[] = [];
  for (const [mode, settings] of [
    ["KVM", ""],
    ["TCG", "force_tcg"],
  ] as const) {
    const start = performance.now();
    const run = spawnSync("virt-inspector", [`--format=${format}`, "-a", file], {
      env: { ...process.env, LIBGUESTFS_BACKEND: "direct", LIBGUESTFS_BACKEND_SETTINGS: settings },
      timeout: 900_000,
      encoding: "utf8",
    });
    const elapsed = performance.now() - start;
    if (run.status === 0 && run.stdout.includes("<operatingsystem>")) return { ms: elapsed, mode };
    const reason =
      run.stderr
        .split("\n")
        .find((line) => /error|failed|Assertion/i.test(line))
        ?.trim() ?? `exit ${run.status}`;
    errors.push(`${mode}: ${reason}`);
  }
  return { error: errors.join("; ") };
}

async function main(): Promise<void> {
  const dir = execFileSync("bash", [path.join(import.meta.dirname, "guest-image.sh")], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim();
  const rows: string[] = [];
  const notes: string[] = [];
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(", ");
  const loadBefore = load();
  for (const [name, format] of [
    ["debian12.raw", "raw"],
    ["debian12.qcow2", "qcow2"],
  ] as const) {
    const file = path.join(dir, name);
    const reads: Reads = [];
    await inspect(file, NODE_CODECS, reads); // warms the page cache, and records the reads
    const bytes = reads.reduce((sum, read) => sum + read.length, 0);
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
  console.log(`load average: ${loadBefore} at the start, ${load()} at the end (${os.cpus().length} cores); median of ${RUNS} runs`);
  console.log(
    "| image (4 GiB virtual) | hangar inspect (Node zlib) | read | reading the same bytes (Hangar / it) | qemu-img info (Hangar / it) | pure JavaScript (browser) | virt-inspector |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(`| ${row} |`);
  for (const note of notes) console.log(`\n${note}`);
}

await main();
