/**
 * Image inspection: what format a disk image is, whether it is safe to take,
 * and (at depth "full") whether its tables are intact and, when the format
 * is accepted, whether the guest inside is ready for a KVM cloud (lib/inspect/guest). Pure TypeScript over a
 * RandomAccessReader, so the same code runs on the server, in the browser and
 * in the CLI. Node's file adapter lives in ./readers/file (it imports node:fs).
 */
import { openGuestDisk } from "./disk/open-guest-disk";
import { isInspectError } from "./errors";
import type { Codecs } from "./codecs";
import { inspectGuest, type GuestInspection, type GuestInspectionOptions } from "./guest/inspect-guest";
import { noGuestChecks } from "./guest/run-checks";
import { inspectFormat } from "./inspect-format";
import type { RandomAccessReader } from "./reader";
import type { FormatInfo, InspectionReport } from "./report";
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
  /**
   * At depth "full", also inspect the guest (lib/inspect/guest) when the format checks accept the
   * image (default true). false gives the format verdict alone.
   */
  guest?: boolean;
  /**
   * The cloud boots instances with a kernel of its own (direct kernel boot), so a disk without a
   * boot loader still starts: boot.loader warns instead of failing (default false).
   */
  directKernelBoot?: boolean;
  /** The decompressors: Node's native zlib (NODE_CODECS, lib/inspect/node-codecs.ts) on the server and the CLI; pure JavaScript by default. */
  codecs?: Codecs;
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
  if (resolved.depth === "format" || options.guest === false || verdictOf(checks) === "rejected") {
    onProgress(1);
    return { ...info, verdict: verdictOf(checks), checks };
  }
  const guest = await guestChecks(reader, info, {
    fileName: resolved.fileName,
    policy: { directKernelBoot: options.directKernelBoot ?? false },
    codecs: options.codecs,
  });
  const all = [...checks, ...guest.checks];
  onProgress(1);
  return { ...info, verdict: verdictOf(all), checks: all, guest: guest.guest };
}

/** The guest checks of an accepted image (lib/inspect/guest); a disk layer that cannot read the image fails guest.os. */
async function guestChecks(reader: RandomAccessReader, info: FormatInfo, options: GuestInspectionOptions): Promise<GuestInspection> {
  try {
    return await inspectGuest(openGuestDisk(reader, info), info, options);
  } catch (error) {
    if (!isInspectError(error)) throw error;
    return noGuestChecks(`the guest's disk could not be read (${error.message}).`);
  }
}

export { openGuestDisk } from "./disk/open-guest-disk";
export { inspectGuest } from "./guest/inspect-guest";
export { readPartitionTable } from "./disk/read-partition-table";
export { blobReader } from "./readers/blob";
export { bytesReader } from "./readers/bytes";
export { verdictOf } from "./verdict";
export type { RandomAccessReader } from "./reader";
export type { Check, CheckStatus, FormatInfo, GuestInfo, ImageFormat, InspectionReport, Verdict } from "./report";
export type { Codecs } from "./codecs";
