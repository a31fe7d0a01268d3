import { InspectError } from "../../errors";
import { type RandomAccessReader, readExact } from "../../reader";
import { lvmCrc } from "./crc";
import type { DiskArea } from "./label";

/**
 * A metadata area (lib/format_text/layout.h, format-text.c): a 512-byte
 *   mda_header { checksum u32 (of the rest of the sector), magic 16 bytes,
 *                version u32 = 1, start u64 (its own offset), size u64,
 *                raw_locn[] { offset u64, size u64, checksum u32, flags u32 } }
 * followed by a circular buffer of metadata texts. raw_locn[0] is the
 * committed text: `offset` from the area start, `size` bytes (the trailing
 * NUL included); a text that runs past the end of the area continues right
 * after the header. The checksum covers the text in that order.
 * raw_locn[1] is metadata prepared but not committed, and is not read.
 */

const MDA_HEADER_SIZE = 512;
const FMTT_MAGIC = " LVM2 x[5A%r0N*>";
const RAW_LOCN_IGNORED = 1;

/** Large enough for thousands of LVs (LVM's own default area is 1020 KiB). */
export const MAX_METADATA_TEXT = 16 << 20;

export interface MetadataText {
  text: string;
  /** Byte offset of the area on the PV, for messages. */
  areaOffset: number;
}

/** The committed metadata text of one area, or null when the area holds none (a PV in no VG, or an ignored area). */
export async function readMetadataArea(reader: RandomAccessReader, area: DiskArea): Promise<MetadataText | null> {
  const where = `the LVM metadata area at offset ${area.offset}`;
  if (area.size < MDA_HEADER_SIZE) throw new InspectError("corrupt", `${where} is smaller than its header (${area.size} bytes).`);
  const header = await readExact(reader, area.offset, MDA_HEADER_SIZE, `header of ${where}`);
  const view = new DataView(header.buffer, header.byteOffset, MDA_HEADER_SIZE);
  if (view.getUint32(0, true) !== lvmCrc(header.subarray(4))) throw new InspectError("corrupt", `The header of ${where} fails its checksum.`);
  if (String.fromCharCode(...header.subarray(4, 20)) !== FMTT_MAGIC) throw new InspectError("corrupt", `The header of ${where} lacks the LVM2 magic.`);
  if (view.getUint32(20, true) !== 1) throw new InspectError("unsupported", `The header of ${where} has version ${view.getUint32(20, true)}, not 1.`);
  if (view.getBigUint64(24, true) !== BigInt(area.offset)) throw new InspectError("corrupt", `The header of ${where} says it starts elsewhere.`);
  // The header's size governs the circular buffer, as in format-text.c; it may not exceed the label's.
  const size = view.getBigUint64(32, true);
  if (size <= BigInt(MDA_HEADER_SIZE) || size > BigInt(area.size))
    throw new InspectError("corrupt", `The header of ${where} gives an impossible size (${size} bytes).`);
  const areaSize = Number(size);

  const offset = view.getBigUint64(40, true);
  const length = view.getBigUint64(48, true);
  const checksum = view.getUint32(56, true);
  const flags = view.getUint32(60, true);
  if (offset === 0n && length === 0n) return null;
  if (flags & RAW_LOCN_IGNORED) return null;
  if (offset < MDA_HEADER_SIZE || offset >= size)
    throw new InspectError("corrupt", `The metadata text of ${where} starts outside the area (offset ${offset}).`);
  if (length === 0n || length > BigInt(Math.min(areaSize - MDA_HEADER_SIZE, MAX_METADATA_TEXT))) {
    throw new InspectError(length > BigInt(MAX_METADATA_TEXT) ? "limit" : "corrupt", `The metadata text of ${where} has an impossible size (${length} bytes).`);
  }
  const start = Number(offset);
  const total = Number(length);
  // format-text.c: a text past the end of the area wraps to just after the header. The size bound
  // above keeps the wrapped part short of the text's own start.
  const wrap = Math.max(0, start + total - areaSize);
  const text = new Uint8Array(total);
  text.set(await readExact(reader, area.offset + start, total - wrap, `metadata text of ${where}`));
  if (wrap > 0) text.set(await readExact(reader, area.offset + MDA_HEADER_SIZE, wrap, `metadata text of ${where}`), total - wrap);
  if (lvmCrc(text) !== checksum) throw new InspectError("corrupt", `The metadata text of ${where} fails its checksum.`);
  return { text: new TextDecoder().decode(text), areaOffset: area.offset };
}
