// Format inspection versus `qemu-img info --output=json`, per fixture, in one run: wall time and
// bytes read by each, the bytes the quick (browser) verdict needs, and the integrity walk of a
// 10 GiB qcow2 with all its metadata allocated versus `qemu-img check`. Prints Markdown tables
// for docs/benchmarks.md.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { inspectImage, type InspectOptions } from "../../lib/inspect";
import { openFileReader } from "../../lib/inspect/readers/file";
import { recordingReader } from "../../lib/testing/file-reader";
import { fixtureFamily } from "../../lib/testing/fixtures";

const run = promisify(execFile);
const RUNS = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kib = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KiB`);
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

/** Wall time (median of RUNS) and bytes read by inspectImage on `file`. */
async function inspector(file: string, options: InspectOptions): Promise<{ time: number; bytes: number; verdict: string }> {
  const times: number[] = [];
  let bytes = 0;
  let verdict = "";
  for (let i = 0; i < RUNS + 1; i++) {
    const reader = await openFileReader(file);
    const recorder = recordingReader(reader);
    const [time, report] = await timed(() => inspectImage(recorder, options));
    await reader.close();
    if (i > 0) times.push(time); // the first run warms the JIT
    bytes = recorder.bytesRead();
    verdict = report.verdict;
  }
  return { time: median(times), bytes, verdict };
}

async function qemuInfoTime(file: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await timed(() => run("qemu-img", ["info", "--output=json", file]).catch(() => null)))[0]);
  return median(times);
}

const straceMissing = spawnSync("strace", ["-V"]).status !== 0;

/** Bytes qemu-img reads from the image itself (pread/preadv/read on its descriptors), counted with strace. */
function qemuBytes(args: string[], file: string): number | null {
  if (straceMissing) return null;
  const log = path.join(os.tmpdir(), `hangar-bench-strace-${process.pid}.log`);
  spawnSync("strace", ["-f", "-e", "trace=openat,pread64,preadv,preadv2,read,close", "-o", log, "qemu-img", ...args, file]);
  const fds = new Set<string>();
  let bytes = 0;
  for (const line of fs.readFileSync(log, "utf8").split("\n")) {
    const opened = /openat\([^,]+, "([^"]+)".*\) = (\d+)$/.exec(line);
    if (opened) {
      if (path.resolve(opened[1]) === path.resolve(file)) fds.add(opened[2]);
      continue;
    }
    const closed = /close\((\d+)\)/.exec(line);
    if (closed) fds.delete(closed[1]);
    const read = /(?:pread64|preadv2?|read)\((\d+),.*\) = (\d+)$/.exec(line);
    if (read && fds.has(read[1])) bytes += Number(read[2]);
  }
  fs.rmSync(log);
  return bytes;
}

// ---- per fixture -------------------------------------------------------------------------------
execFileSync("bash", ["scripts/fixtures/build.sh"], { stdio: "inherit" });
const family = fixtureFamily("formats");
if (family.skipped) throw new Error(`fixtures not built: ${family.skipped}`);
const names = fs
  .readdirSync(family.dir, { withFileTypes: true })
  .filter((e) => e.isFile() && !e.name.startsWith("."))
  .map((e) => e.name)
  .sort();

console.log("\n## Per fixture\n");
console.log("| fixture | verdict | quick: time | quick: read | full: time | full: read | qemu-img info: time | qemu-img info: read | full / qemu-img |");
console.log("|---|---|---|---|---|---|---|---|---|");
const ratios: number[] = [];
let worstQuickBytes = 0;
let worstQuickTime = 0;
for (const name of names) {
  const file = family.file(name);
  const quick = await inspector(file, { depth: "format" });
  const full = await inspector(file, { depth: "full", guest: false });
  const qemu = await qemuInfoTime(file);
  const qemuRead = qemuBytes(["info", "--output=json"], file);
  ratios.push(full.time / qemu);
  worstQuickBytes = Math.max(worstQuickBytes, quick.bytes);
  worstQuickTime = Math.max(worstQuickTime, quick.time);
  console.log(
    `| ${name} | ${full.verdict} | ${ms(quick.time)} | ${kib(quick.bytes)} | ${ms(full.time)} | ${kib(full.bytes)} | ${ms(qemu)} | ${qemuRead === null ? "n/a" : kib(qemuRead)} | ${(full.time / qemu).toFixed(3)}x |`,
  );
}
console.log(`\nQuick verdict, worst case over ${names.length} fixtures: ${ms(worstQuickTime)}, ${kib(worstQuickBytes)} read.`);
console.log(`Full inspection / qemu-img info: median ${median(ratios).toFixed(3)}x, worst ${Math.max(...ratios).toFixed(3)}x.`);

// ---- the integrity walk of a 10 GiB qcow2 ------------------------------------------------------
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-"));
try {
  const big = path.join(scratch, "10g.qcow2");
  execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-o", "preallocation=metadata", big, "10G"]);
  const full = await inspector(big, { depth: "full", guest: false });
  const quick = await inspector(big, { depth: "format" });
  const [check] = await timed(() => run("qemu-img", ["check", big]));
  const [info] = await timed(() => run("qemu-img", ["info", "--output=json", big]));
  console.log("\n## 10 GiB qcow2, every L2 table allocated (preallocation=metadata, 64 KiB clusters)\n");
  console.log("| what | time | read | ratio |");
  console.log("|---|---|---|---|");
  console.log(`| hangar: quick verdict | ${ms(quick.time)} | ${kib(quick.bytes)} | |`);
  console.log(`| hangar: full inspection with the integrity walk | ${ms(full.time)} | ${kib(full.bytes)} | 1.00x |`);
  console.log(`| qemu-img check | ${ms(check)} | ${kib(qemuBytes(["check"], big) ?? 0)} | ${(check / full.time).toFixed(2)}x |`);
  console.log(`| qemu-img info --output=json | ${ms(info)} | ${kib(qemuBytes(["info", "--output=json"], big) ?? 0)} | ${(info / full.time).toFixed(2)}x |`);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
