import { InspectError } from "../errors";
import type { RandomAccessReader } from "../reader";
import type { FormatInfo } from "../report";
import { qcow2Disk } from "./qcow2-disk";
import { vmdkDisk } from "./vmdk-disk";

/**
 * The bytes the guest sees, for an image the format checks accepted: raw as
 * it is, qcow2 and vmdk through their allocation tables (unallocated and zero
 * clusters read as zeros, compressed ones are inflated). Metadata is read
 * lazily through bounded caches; the image is never read whole. Reads throw
 * InspectError when the tables are damaged.
 */
export function openGuestDisk(reader: RandomAccessReader, info: FormatInfo): RandomAccessReader {
  if (info.format === "raw") return info.virtualSize !== null && info.virtualSize > reader.size ? zeroPadded(reader, info.virtualSize) : reader;
  if (info.virtualSize === null) throw new InspectError("corrupt", "The image does not say how large its disk is.");
  if (info.format === "qcow2") return qcow2Disk(reader, info.virtualSize);
  if (info.format === "vmdk" && (info.subformat === "monolithicSparse" || info.subformat === "streamOptimized")) return vmdkDisk(reader, info.virtualSize);
  const what = `${info.format}${info.subformat ? ` (${info.subformat})` : ""}`;
  throw new InspectError(
    "unsupported",
    `Hangar reads the guest disk of raw, QCOW2 and monolithicSparse or streamOptimized VMDK images, not of a ${what} image.`,
  );
}

/** A raw file whose size is not a whole number of sectors: qemu pads the last sector with zeros. */
function zeroPadded(reader: RandomAccessReader, size: number): RandomAccessReader {
  return {
    size,
    async read(offset, length) {
      if (offset < 0 || offset >= size || length <= 0) return new Uint8Array(0);
      const out = new Uint8Array(Math.min(length, size - offset));
      if (offset < reader.size) out.set(await reader.read(offset, Math.min(out.length, reader.size - offset)));
      return out;
    },
  };
}
