import { inflateSync, unzlibSync } from "fflate";
import { decompress as zstdDecompress } from "fzstd";
import { u32le } from "../binary";
import { InspectError } from "../errors";

/**
 * Decompression into a buffer of known size (one cluster or grain), so a
 * hostile stream can never make us allocate more than that.
 */
export type Codec = "deflate" | "zlib" | "zstd";

const corrupt = (what: string, error: unknown) =>
  new InspectError("corrupt", `A compressed ${what} does not decompress: ${error instanceof Error ? error.message : String(error)}.`);

/** Up to `size` bytes decompressed from `data`; fewer when the stream ends early. */
export function decompressInto(codec: Codec, data: Uint8Array, size: number, what: string): Uint8Array {
  const out = new Uint8Array(size);
  try {
    if (codec === "deflate") return inflateSync(data, { out });
    if (codec === "zlib") return unzlibSync(data, { out });
    return decompressZstdFrames(data, out);
  } catch (error) {
    throw corrupt(what, error);
  }
}

/**
 * zstd frames until `out` is full. The compressed bytes run to the end of a
 * 512-byte sector, so whatever follows the last frame is ignored, as qemu does;
 * each frame's length is found from its block headers before decoding it.
 */
function decompressZstdFrames(data: Uint8Array, out: Uint8Array): Uint8Array {
  let filled = 0;
  let at = 0;
  while (filled < out.length && at + 4 <= data.length && u32le(data, at) === 0xfd2fb528) {
    const { length, contentSize } = zstdFrame(data, at);
    const frame = data.subarray(at, at + length);
    const room = out.length - filled;
    if (contentSize !== null && contentSize <= room) {
      // fzstd is several times faster when it sizes the output itself, which is safe once the size is known to fit.
      const produced = zstdDecompress(frame);
      out.set(produced.subarray(0, room), filled);
      filled += Math.min(produced.length, room);
    } else {
      filled += zstdDecompress(frame, out.subarray(filled)).length;
    }
    at += length;
  }
  return out.subarray(0, filled);
}

/** The byte length and declared content size of the zstd frame at `at` (RFC 8878: header, blocks, optional checksum). */
function zstdFrame(data: Uint8Array, at: number): { length: number; contentSize: number | null } {
  const descriptor = data[at + 4];
  const singleSegment = (descriptor >> 5) & 1;
  const dictBytes = [0, 1, 2, 4][descriptor & 3];
  const contentFlag = descriptor >> 6;
  const contentBytes = contentFlag === 0 ? singleSegment : 1 << contentFlag;
  const contentAt = at + 5 + (singleSegment ? 0 : 1) + dictBytes;
  let contentSize: number | null = null;
  if (contentBytes > 0) {
    contentSize = 0;
    for (let i = contentBytes - 1; i >= 0; i--) contentSize = contentSize * 256 + (data[contentAt + i] ?? 0);
    if (contentBytes === 2) contentSize += 256;
  }
  let p = contentAt + contentBytes;
  for (;;) {
    if (p + 3 > data.length) throw new Error("the zstd frame is cut short");
    const header = data[p] | (data[p + 1] << 8) | (data[p + 2] << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new Error("the zstd frame has a reserved block type");
    p += 3 + (type === 1 ? 1 : size);
    if (last) break;
  }
  if ((descriptor >> 2) & 1) p += 4;
  if (p > data.length) throw new Error("the zstd frame is cut short");
  return { length: p - at, contentSize };
}
