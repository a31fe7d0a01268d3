/**
 * Guest inspection benchmark: `npm run bench:guest`.
 *
 * A 4 GiB Debian 12 disk made from a full debootstrap root (scripts/bench/guest-image.sh, cached
 * outside the repository), as raw and as qcow2. For each: the wall time and the bytes read by
 * inspectImage (format checks plus guest checks, what `hangar inspect` does) and by the guest
 * checks alone, median of several runs; then, in the same run, libguestfs' virt-inspector on the
 * same file, and the ratio. Also a baseline of this machine's disk: reading 64 MiB of the file.
 */
import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { openGuestDisk } from "../../lib/inspect/disk/open-guest-disk";
import { inspectGuest } from "../../lib/inspect/guest/inspect-guest";
import { inspectImage } from "../../lib/inspect/index";
import { inspectFormat } from "../../lib/inspect/inspect-format";
import { fileReader, recordingReader } from "../../lib/testing/file-reader";

const RUNS = 5;
const MiB = 1024 * 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(0)} ms`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

interface Measure {
  ms: number;
  /** CPU time of this process (user + system): what a loaded machine does not inflate. */
  cpuMs: number;
  bytes: number;
  reads: number;
}

async function measure(run: () => Promise<{ bytes: number; reads: number }>): Promise<Measure> {
  const times: number[] = [];
  const cpu: number[] = [];
  let last = { bytes: 0, reads: 0 };
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    last = await run();
    const used = process.cpuUsage(startCpu);
    times.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpu), ...last };
}

async function inspectAll(file: string): Promise<{ bytes: number; reads: number }> {
  const reader = fileReader(file);
  try {
    const recorded = recordingReader(reader);
    const report = await inspectImage(recorded, { fileName: path.basename(file) });
    if (!report.guest) throw new Error(`${file}: no guest in the report (${report.checks.map((c) => `${c.id}=${c.status}`).join(", ")})`);
    return { bytes: recorded.bytesRead(), reads: recorded.reads.length };
  } finally {
    reader.close();
  }
}

async function inspectGuestOnly(file: string): Promise<{ bytes: number; reads: number }> {
  const reader = fileReader(file);
  try {
    const { info } = await inspectFormat(reader, { depth: "format", maxVirtualSize: 2 ** 44, fileName: path.basename(file) }, () => {});
    const recorded = recordingReader(reader);
    await inspectGuest(openGuestDisk(recorded, info), info);
    return { bytes: recorded.bytesRead(), reads: recorded.reads.length };
  } finally {
    reader.close();
  }
}

async function sequentialRead(file: string, bytes: number): Promise<number> {
  const reader = fileReader(file);
  try {
    const start = performance.now();
    for (let offset = 0; offset < bytes; offset += MiB) await reader.read(offset, MiB);
    return performance.now() - start;
  } finally {
    reader.close();
  }
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
      (run.stderr ?? "")
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
  for (const [name, format] of [
    ["debian12.raw", "raw"],
    ["debian12.qcow2", "qcow2"],
  ] as const) {
    const file = path.join(dir, name);
    const all = await measure(() => inspectAll(file));
    const guest = await measure(() => inspectGuestOnly(file));
    const disk = await sequentialRead(file, 64 * MiB);
    const vi = virtInspector(file, format);
    const viText = "error" in vi ? "could not run" : `${(vi.ms / 1000).toFixed(1)} s (${vi.mode})`;
    const ratio = "error" in vi ? "-" : `${(vi.ms / all.ms).toFixed(0)}x`;
    if ("error" in vi) notes.push(`${name}: virt-inspector: ${vi.error}`);
    rows.push(
      `| ${name} | ${ms(all.ms)} (CPU ${ms(all.cpuMs)}) | ${mib(all.bytes)} in ${all.reads} reads | ${ms(guest.ms)} (CPU ${ms(guest.cpuMs)}) | ${mib(guest.bytes)} | ${ms(disk)} | ${viText} | ${ratio} |`,
    );
  }
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(", ")} (2 cores shared)`,
  );
  console.log("| image (4 GiB virtual) | inspectImage, median of 5 | read | guest checks alone | read | baseline: reading 64 MiB | virt-inspector | ratio |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  for (const note of notes) console.log(`\n${note}`);
}

await main();
