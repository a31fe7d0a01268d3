/**
 * What the guest benchmarks share: what `hangar inspect FILE` does once its process has started,
 * the guest checks alone, median wall and CPU times over several runs,
 * and libguestfs' virt-inspector on the same file.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import type { Codecs } from "../../lib/inspect/codecs";
import { openGuestDisk } from "../../lib/inspect/disk/open-guest-disk";
import { inspectGuest } from "../../lib/inspect/guest/inspect-guest";
import { inspectImage } from "../../lib/inspect/index";
import { inspectFormat } from "../../lib/inspect/inspect-format";
import { openFileReader } from "../../lib/inspect/readers/file";
import { recordingReader } from "../../lib/testing/file-reader";

export const RUNS = Number(process.env.BENCH_RUNS ?? 7);
export const MiB = 1024 * 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const ms = (value: number) => `${value.toFixed(0)} ms`;
export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

export interface Measure {
  ms: number;
  /** CPU time of this process, every thread (user + system): what a loaded machine inflates least. */
  cpuMs: number;
}

export async function measure(run: () => Promise<unknown>): Promise<Measure> {
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

export type Reads = { offset: number; length: number }[];

export const bytesOf = (reads: Reads) => reads.reduce((sum, read) => sum + read.length, 0);

/** What `hangar inspect FILE` does after its process starts: open, inspect, close. */
export async function inspect(file: string, codecs: Codecs | undefined, reads: Reads = []): Promise<void> {
  const reader = await openFileReader(file);
  try {
    const report = await inspectImage(recordingReader(reader, reads), { fileName: path.basename(file), codecs });
    if (!report.guest?.osType) throw new Error(`${file}: no guest found (${report.checks.map((c) => `${c.id}=${c.code}`).join(", ")})`);
  } finally {
    await reader.close();
  }
}

/** The guest checks alone, on the disk the format checks found (their reads are not recorded). */
export async function inspectGuestOnly(file: string, codecs: Codecs | undefined, reads: Reads = []): Promise<void> {
  const reader = await openFileReader(file);
  try {
    const { info } = await inspectFormat(reader, { depth: "format", maxVirtualSize: 2 ** 44, fileName: path.basename(file) }, () => {});
    await inspectGuest(openGuestDisk(recordingReader(reader, reads), info), info, { fileName: path.basename(file), codecs });
  } finally {
    await reader.close();
  }
}

/** virt-inspector with KVM, else with TCG (software emulation); the time, or why it could not run. */
export function virtInspector(file: string, format: string): { ms: number; mode: string } | { error: string } {
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

/** The load average, for the figures' conditions. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");
