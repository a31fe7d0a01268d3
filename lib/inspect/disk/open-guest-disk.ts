import { InspectError } from "../errors";
import type { RandomAccessReader } from "../reader";
import type { FormatInfo } from "../report";
import { rawDisk, type GuestDisk } from "./mapped-disk";
import { qcow2Disk } from "./qcow2-disk";
import { qedDisk } from "./qed-disk";
import { vdiDisk } from "./vdi-disk";
import { vhdDisk } from "./vhd-disk";
import { vhdxDisk } from "./vhdx-disk";
import { vmdkDisk } from "./vmdk-disk";

/**
 * The bytes the guest sees, for an image the format checks accepted: raw as
 * it is, qcow2 and vmdk through their allocation tables (unallocated and zero
 * clusters read as zeros, compressed ones are inflated). Metadata is read
 * lazily through bounded caches; the image is never read whole. Reads throw
 * InspectError when the tables are damaged.
 */
export function openGuestDisk(reader: RandomAccessReader, info: FormatInfo): GuestDisk {
  if (info.format === "raw") return rawDisk(reader, Math.max(reader.size, info.virtualSize ?? 0));
  if (info.virtualSize === null) throw new InspectError("corrupt", "The image does not say how large its disk is.");
  if (info.format === "qcow2") return qcow2Disk(reader, info.virtualSize);
  if (info.format === "vmdk" && (info.subformat === "monolithicSparse" || info.subformat === "streamOptimized")) return vmdkDisk(reader, info.virtualSize);
  const what = `${info.format}${info.subformat ? ` (${info.subformat})` : ""}`;
  throw new InspectError(
    "unsupported",
    `Hangar reads the guest disk of raw, QCOW2 and monolithicSparse or streamOptimized VMDK images, not of a ${what} image.`,
  );
}

/** The formats Hangar converts from, each opened through its own tables (lib/inspect/disk/*-disk.ts). */
const CONVERTIBLE: Partial<Record<FormatInfo["format"], (reader: RandomAccessReader) => Promise<GuestDisk>>> = {
  vhd: vhdDisk,
  vhdx: vhdxDisk,
  vdi: vdiDisk,
  qed: qedDisk,
};

/** Whether Hangar can read the guest disk of an image of this format and convert it. */
export const isConvertibleFormat = (format: FormatInfo["format"]): boolean => format in CONVERTIBLE;

/**
 * The guest disk of any image Hangar reads: the accepted formats (openGuestDisk), and VHD
 * (fixed, dynamic), VHDX, VDI and QED, the formats it converts. Throws InspectError for
 * other formats and for what the format's reader refuses (differencing disks, damage).
 */
export async function openImageDisk(reader: RandomAccessReader, info: FormatInfo): Promise<GuestDisk> {
  const open = CONVERTIBLE[info.format];
  if (!open) return openGuestDisk(reader, info);
  const disk = await open(reader);
  if (info.virtualSize !== null && disk.size !== info.virtualSize)
    throw new InspectError("corrupt", `The ${info.format} tables describe a ${disk.size}-byte disk, the header ${info.virtualSize} bytes.`);
  return disk;
}
