import { isAllOnes64, matches, u16le, u32le, u64le, u8 } from "../../binary";
import { InspectError } from "../../errors";
import type { ByteSource } from "../../source";

/** VMDK 1.1 spec ("Virtual Disk Format 1.1"), SparseExtentHeader, little-endian. */
export const SECTOR = 512;
export const FLAG_NEWLINE_TEST = 1 << 0;
export const FLAG_REDUNDANT_GD = 1 << 1;
export const FLAG_ZERO_GRAIN = 1 << 2;
export const FLAG_COMPRESSED = 1 << 16;
export const FLAG_MARKERS = 1 << 17;
export const COMPRESSION_DEFLATE = 1;
/** Stream marker types (streamOptimized). */
export const MARKER_EOS = 0;
export const MARKER_FOOTER = 3;
/** qemu's bounds (block/vmdk.c): entries per grain table, grain size, grain directory entries. */
export const MAX_GTES_PER_GT = 512;
export const MAX_GRAIN_SECTORS = 0x200000;
export const MAX_GD_ENTRIES = 32 * 1024 * 1024;

export interface SparseHeader {
  version: number;
  flags: number;
  /** Sectors of guest disk. */
  capacity: number;
  /** Sectors per grain. */
  grainSize: number;
  descriptorOffset: number;
  descriptorSize: number;
  numGTEsPerGT: number;
  rgdOffset: number;
  /** Sector of the grain directory (from the footer when the header says "at end"). */
  gdOffset: number;
  overhead: number;
  uncleanShutdown: boolean;
  /** The four newline-detection bytes are as written ("\n", " ", "\r", "\n"). */
  newlineBytesIntact: boolean;
  compressAlgorithm: number;
}

export interface SparseHeaders {
  header: SparseHeader;
  /** The footer qemu uses instead of the header when the header's gdOffset is "at end" (streamOptimized). */
  footer: SparseHeader | null;
  /** What qemu acts on: the footer when there is one. */
  effective: SparseHeader;
}

export function parseSparseHeader(b: Uint8Array): SparseHeader {
  return {
    version: u32le(b, 4),
    flags: u32le(b, 8),
    capacity: u64le(b, 12),
    grainSize: u64le(b, 20),
    descriptorOffset: u64le(b, 28),
    descriptorSize: u64le(b, 36),
    numGTEsPerGT: u32le(b, 44),
    rgdOffset: u64le(b, 48),
    gdOffset: isAllOnes64(b, 56) ? -1 : u64le(b, 56),
    overhead: u64le(b, 64),
    uncleanShutdown: u8(b, 72) !== 0,
    newlineBytesIntact: matches(b, 73, "\n \r\n"),
    compressAlgorithm: u16le(b, 77),
  };
}

/**
 * The sparse extent header and, when its grain directory is "at end", the
 * footer in the last 1536 bytes (footer marker, footer, end-of-stream marker),
 * found and checked the way qemu does: in a file that is not whole sectors,
 * where qemu looks, not 1536 bytes before the last byte.
 */
export async function readSparseHeaders(src: ByteSource): Promise<SparseHeaders> {
  const header = parseSparseHeader(await src.exact(0, SECTOR, "VMDK header"));
  if (header.gdOffset !== -1) return { header, footer: null, effective: header };
  // qemu sees the file as whole sectors, the last one padded with zeros, and reads the footer 1536 bytes before that end.
  const end = Math.ceil(src.size / SECTOR) * SECTOR;
  if (end < 1536 + SECTOR)
    throw new InspectError("truncated", "The VMDK header says its grain directory is in a footer, but the file is too short to have one.");
  const tail = new Uint8Array(1536);
  tail.set(await src.read(end - 1536, 1536));
  const footerMarker = { size: u32le(tail, 8), type: u32le(tail, 12) };
  const eos = { value: u64le(tail, 1024), size: u32le(tail, 1032), type: u32le(tail, 1036) };
  if (
    !matches(tail, 512, "KDMV") ||
    footerMarker.size !== 0 ||
    footerMarker.type !== MARKER_FOOTER ||
    eos.value !== 0 ||
    eos.size !== 0 ||
    eos.type !== MARKER_EOS
  ) {
    throw new InspectError(
      "corrupt",
      "The VMDK header says its grain directory is in a footer, but the end of the file holds no valid footer and end-of-stream marker.",
    );
  }
  const footer = parseSparseHeader(tail.subarray(512, 1024));
  if (footer.gdOffset === -1) throw new InspectError("corrupt", "The VMDK footer does not say where the grain directory is.");
  return { header, footer, effective: footer };
}

/** Grain directory entries needed for the capacity (qemu's l1_size). */
export const gdEntries = (h: SparseHeader): number => Math.ceil(h.capacity / (h.numGTEsPerGT * h.grainSize));
