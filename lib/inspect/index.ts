/**
 * Image inspection: what format a disk image is, whether it is safe to take,
 * and (at depth "full") whether its tables are intact. Pure TypeScript over a
 * RandomAccessReader, so the same code runs on the server, in the browser and
 * in the CLI. Node's file adapter lives in ./readers/file (it imports node:fs).
 */
import { inspectFormat } from "./inspect-format";
import type { RandomAccessReader } from "./reader";
import type { InspectionReport } from "./report";
import { verdictOf } from "./verdict";

export interface InspectOptions {
  /**
   * "format": decide from the first bytes only (the browser's pre-check; a few
   * KiB read). "full" (default): also walk the allocation tables.
   */
  depth?: "format" | "full";
  /** Largest virtual disk accepted, in bytes (default 16 TiB). */
  maxVirtualSize?: number;
  /** Called with the fraction done (0..1) while the tables are walked. */
  onProgress?: (fraction: number) => void;
  /** The file's name, only to write the fix commands for it; never opened. */
  fileName?: string;
}

export const DEFAULT_MAX_VIRTUAL_SIZE = 16 * 2 ** 40;

export async function inspectImage(reader: RandomAccessReader, options: InspectOptions = {}): Promise<InspectionReport> {
  const resolved = {
    depth: options.depth ?? "full",
    maxVirtualSize: options.maxVirtualSize ?? DEFAULT_MAX_VIRTUAL_SIZE,
    fileName: options.fileName?.split(/[\\/]/).pop() || "disk.img",
  } as const;
  const onProgress = options.onProgress ?? (() => {});
  const { info, checks } = await inspectFormat(reader, resolved, onProgress);
  // The guest checks (issue 5) go here: at depth "full", when verdictOf(checks) is "accepted",
  // read the guest through openGuestDisk(reader, info) and append their checks and `guest`.
  onProgress(1);
  return { ...info, verdict: verdictOf(checks), checks };
}

export { openGuestDisk } from "./disk/open-guest-disk";
export { readPartitionTable } from "./disk/read-partition-table";
export { blobReader } from "./readers/blob";
export { bytesReader } from "./readers/bytes";
export { verdictOf } from "./verdict";
export type { RandomAccessReader } from "./reader";
export type { Check, CheckStatus, FormatInfo, ImageFormat, InspectionReport, Verdict } from "./report";
