/**
 * What the guest benchmarks share: the median wall and CPU time of inspectImage and of the guest
 * checks alone over several runs, with the bytes and reads they cost, and libguestfs'
 * virt-inspector on the same file.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { openGuestDisk } from "../../lib/inspect/disk/open-guest-disk";
import { inspectGuest } from "../../lib/inspect/guest/inspect-guest";
import { inspectImage } from "../../lib/inspect/index";
import { inspectFormat } from "../../lib/inspect/inspect-format";
import { fileReader, recordingReader } from "../../lib/testing/file-reader";

export const RUNS = 5;
export const MiB = 1024 * 1024;
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export const ms = (value: number) => `${value.toFixed(0)} ms`;
export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

export interface Measure {
  ms: number;
  /** CPU time of this process (user + system): what a loaded machine does not inflate. */
  cpuMs: number;
  bytes: number;
  reads: number;
}

export async function measure(run: () => Promise<{ bytes: number; reads: number }>): Promise<Measure> {
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

export async function inspectAll(file: string): Promise<{ bytes: number; reads: number }> {
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

export async function inspectGuestOnly(file: string): Promise<{ bytes: number; reads: number }> {
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

export async function sequentialRead(file: string, bytes: number): Promise<number> {
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
