import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { openGuestDisk } from "../disk/open-guest-disk";
import { FORMATS } from "../formats/registry";
import type { RandomAccessReader } from "../reader";
import type { InspectionReport } from "../report";
import { qemuImg, qemuInfo, type QemuInfo } from "./qemu-img";

/**
 * qemu as the judge of an accepted image: what a cloud that hands the file to
 * qemu would open, with the format Hangar detected and with qemu probing, and
 * what a host that probes the guest's disk or partitions would open. Every
 * way the two can disagree that matters is a Disagreement.
 */
export interface Disagreement {
  /**
   * high: qemu reads another host file or opens another format; medium: another disk (size or bytes);
   * low: qemu refuses the file, when opening it or (`whenReading`) only when reading guest data.
   */
  severity: "high" | "medium" | "low";
  what: string;
  /** qemu opens the image but fails reading guest data (a compressed grain that inflates wrong), which no table walk sees. */
  whenReading?: true;
}

/** Partitions probed per guest disk; seed images have a handful. */
const MAX_PARTITIONS = 16;

/** Everything in qemu's answer that names a file other than the image itself. */
function otherFiles(file: string, i: QemuInfo): string[] {
  const self = path.resolve(file);
  const named = [
    i["backing-filename"],
    i["full-backing-filename"],
    i["format-specific"]?.data?.["data-file"],
    ...(i["format-specific"]?.data?.extents ?? []).map((e) => e.filename),
  ];
  return named.filter((name): name is string => name !== undefined && path.resolve(name) !== self);
}

/** The partitions util-linux finds on a raw disk (independent of Hangar's reader), as byte ranges. */
function partitionsOf(disk: string): { start: number; end: number }[] {
  const run = spawnSync("sfdisk", ["--json", disk], { encoding: "utf8", timeout: 20_000 });
  if (run.status !== 0) return [];
  const table = (JSON.parse(run.stdout) as { partitiontable?: { sectorsize?: number; partitions?: { start: number; size: number }[] } }).partitiontable;
  const sector = table?.sectorsize ?? 512;
  return (table?.partitions ?? []).slice(0, MAX_PARTITIONS).map((p) => ({ start: p.start * sector, end: (p.start + p.size) * sector }));
}

/** Partitions that qemu, probing each as a block device, opens as an image naming another file. */
function partitionTraps(disk: string): Disagreement[] {
  const bytes = fs.readFileSync(disk);
  const out: Disagreement[] = [];
  const slice = `${disk}.partition`;
  try {
    partitionsOf(disk).forEach(({ start, end }, n) => {
      if (start >= bytes.length) return;
      fs.writeFileSync(slice, bytes.subarray(start, Math.min(end, bytes.length)));
      const probed = qemuInfo(slice);
      if (probed && probed.format !== "raw") {
        for (const other of otherFiles(slice, probed))
          out.push({ severity: "high", what: `partition ${n + 1} (at ${start}) is probed by qemu as ${probed.format} and refers to ${other}` });
      }
    });
  } finally {
    fs.rmSync(slice, { force: true });
  }
  return out;
}

async function readAll(reader: RandomAccessReader): Promise<Uint8Array> {
  const out = new Uint8Array(reader.size);
  for (let at = 0; at < reader.size; at += 1 << 20) out.set(await reader.read(at, Math.min(1 << 20, reader.size - at)), at);
  return out;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const lastLine = (text: string) => text.trim().split("\n").pop();

export interface OracleOptions {
  /** Also convert qcow2/vmdk to raw and judge the guest disk: probed, partitions, byte for byte (costs a conversion). */
  guest?: boolean;
  /** Largest guest disk to convert and compare. */
  maxGuestBytes?: number;
}

/**
 * How qemu disagrees with Hangar's `report` on `file`. Only accepted images
 * are judged: a rejected one never reaches qemu. `reader` reads `file`.
 */
export async function disagreements(file: string, report: InspectionReport, reader: RandomAccessReader, options: OracleOptions = {}): Promise<Disagreement[]> {
  if (report.verdict !== "accepted") return [];
  const out: Disagreement[] = [];
  const name = FORMATS[report.format].qemu ?? report.format;
  const probed = qemuInfo(file);
  const explicit = qemuInfo(file, name);
  if (probed && probed.format !== name) out.push({ severity: "high", what: `Hangar says ${report.format}, qemu's probe says ${probed.format}` });
  for (const [how, i] of [
    ["probed", probed],
    [`-f ${name}`, explicit],
  ] as const) {
    if (!i) continue;
    for (const other of otherFiles(file, i)) out.push({ severity: "high", what: `qemu (${how}) refers to another file: ${other}` });
  }
  if (!explicit) {
    out.push({ severity: "low", what: `qemu-img info -f ${name} refuses the accepted file: ${lastLine(qemuImg(["info", "-f", name, file]).stderr)}` });
    return out;
  }
  if (explicit["virtual-size"] !== report.virtualSize) {
    out.push({ severity: "medium", what: `virtual size: Hangar ${report.virtualSize}, qemu ${explicit["virtual-size"]}` });
    return out;
  }
  if (report.format === "raw") return [...out, ...partitionTraps(file)];
  if (!options.guest || explicit["virtual-size"] > (options.maxGuestBytes ?? 64 << 20)) return out;

  // The disk the guest boots: converted to raw, it must be raw to qemu's probe, hide no trap in a partition, and equal Hangar's view of it.
  const converted = `${file}.guest.raw`;
  try {
    const convert = qemuImg(["convert", "-f", name, "-O", "raw", file, converted]);
    if (!convert.ok) {
      out.push({ severity: "low", what: `qemu-img convert refuses the accepted file: ${lastLine(convert.stderr)}`, whenReading: true });
      return out;
    }
    const inner = qemuInfo(converted);
    if (inner && inner.format !== "raw") out.push({ severity: "high", what: `the guest disk, once converted to raw, is probed by qemu as ${inner.format}` });
    out.push(...partitionTraps(converted));
    const theirs = new Uint8Array(fs.readFileSync(converted));
    let ours: Uint8Array;
    try {
      ours = await readAll(openGuestDisk(reader, report));
    } catch (error) {
      out.push({ severity: "medium", what: `Hangar cannot read the guest disk qemu reads: ${error instanceof Error ? error.message : String(error)}` });
      return out;
    }
    const at = firstDifference(ours, theirs);
    if (at >= 0)
      out.push({ severity: "medium", what: `the guest disk differs from qemu's at byte ${at} (Hangar ${ours.length} bytes, qemu ${theirs.length})` });
  } finally {
    fs.rmSync(converted, { force: true });
  }
  return out;
}
