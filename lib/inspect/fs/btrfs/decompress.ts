import { inflateSync } from "fflate";
import { decompress as zstdDecompress } from "fzstd";
import { InspectError } from "../../errors";
import { lzo1xDecompress } from "./lzo1x";
import { COMPRESS_LZO, COMPRESS_NONE, COMPRESS_ZLIB, COMPRESS_ZSTD } from "./structures";

const LZO_LEN = 4;
const le32 = (bytes: Uint8Array, at: number) => (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;

/**
 * Decompresses one btrfs compressed extent (regular or inline) into exactly
 * `ramBytes` bytes; output the stream does not produce stays zero, as the
 * kernel zero-fills it. `ramBytes` is bounded by the caller (128 KiB).
 */
export function decompressExtent(compression: number, data: Uint8Array, ramBytes: number, sectorSize: number): Uint8Array {
  const out = new Uint8Array(ramBytes);
  try {
    switch (compression) {
      case COMPRESS_NONE:
        out.set(data.subarray(0, ramBytes));
        break;
      case COMPRESS_ZLIB:
        zlib(data, out);
        break;
      case COMPRESS_LZO:
        lzo(data, out, sectorSize);
        break;
      case COMPRESS_ZSTD:
        zstd(data, out);
        break;
      default:
        throw new InspectError("unsupported", `A btrfs extent uses compression type ${compression}, which this reader does not know.`);
    }
  } catch (error) {
    if (error instanceof InspectError) throw error;
    throw new InspectError("corrupt", `A btrfs compressed extent does not decompress: ${error instanceof Error ? error.message : String(error)}.`);
  }
  return out;
}

/** A zlib stream (RFC 1950) whose Adler-32 the kernel does not check; the extent is padded to a sector. */
function zlib(data: Uint8Array, out: Uint8Array): void {
  if (data.length < 2 || (data[0] & 0x0f) !== 8 || ((data[0] << 8) | data[1]) % 31 !== 0 || data[1] & 0x20) {
    throw new InspectError("corrupt", "A btrfs zlib extent has no valid zlib header.");
  }
  const result = inflateSync(data.subarray(2), { out });
  if (result.buffer !== out.buffer) out.set(result.subarray(0, out.length));
}

/**
 * btrfs' LZO format (fs/btrfs/lzo.c): a 4-byte total length, then segments,
 * each a 4-byte length and an LZO1X stream of at most one sector of output.
 * A segment header never straddles a sector: when fewer than 4 bytes remain
 * in the sector, the rest is padding.
 */
function lzo(data: Uint8Array, out: Uint8Array, sectorSize: number): void {
  if (data.length < LZO_LEN) throw new InspectError("corrupt", "A btrfs LZO extent is shorter than its header.");
  const total = le32(data, 0);
  if (total > data.length || total < LZO_LEN) throw new InspectError("corrupt", `A btrfs LZO extent says it holds ${total} bytes in ${data.length}.`);
  let at = LZO_LEN;
  let produced = 0;
  while (at < total && produced < out.length) {
    const left = sectorSize - (at % sectorSize);
    if (left < LZO_LEN) {
      at += left;
      continue;
    }
    const segment = le32(data, at);
    at += LZO_LEN;
    if (segment === 0 || at + segment > total) throw new InspectError("corrupt", `A btrfs LZO segment of ${segment} bytes at ${at} runs past the extent.`);
    const piece = lzo1xDecompress(data.subarray(at, at + segment), sectorSize).subarray(0, out.length - produced);
    out.set(piece, produced);
    produced += piece.length;
    at += segment;
  }
}

/** The length of the first Zstandard frame in `data` (the kernel writes one; padding zeros follow it). */
function zstdFrameLength(data: Uint8Array): number {
  const bad = (why: string): never => {
    throw new InspectError("corrupt", `A btrfs zstd extent is malformed: ${why}.`);
  };
  if (data.length < 6 || le32(data, 0) !== 0xfd2fb528) bad("no frame magic");
  const descriptor = data[4];
  const singleSegment = (descriptor >> 5) & 1;
  const checksum = (descriptor >> 2) & 1;
  const contentSizeField = descriptor >> 6 === 0 ? singleSegment : 1 << (descriptor >> 6);
  let at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3] + contentSizeField;
  for (let blocks = 0; ; blocks++) {
    if (at + 3 > data.length) bad("the frame is cut off");
    if (blocks > data.length) bad("too many blocks");
    const header = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
    const type = (header >> 1) & 3;
    if (type === 3) bad("reserved block type");
    at += 3 + (type === 1 ? 1 : header >>> 3);
    if (header & 1) break;
  }
  at += checksum ? 4 : 0;
  if (at > data.length) bad("the frame is cut off");
  return at;
}

function zstd(data: Uint8Array, out: Uint8Array): void {
  // fzstd writes straight into `out` when given it, so a hostile window size cannot make it allocate.
  const result = zstdDecompress(data.subarray(0, zstdFrameLength(data)), out);
  if (result.buffer !== out.buffer) out.set(result.subarray(0, out.length));
}
