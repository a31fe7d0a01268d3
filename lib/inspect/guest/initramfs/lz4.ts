import { InspectError } from "../../errors";
import { readExact, type RandomAccessReader } from "../../reader";

/** lz4 -l (the kernel's "legacy" format, what `lz4 -l` and the kernel build write). */
export const LZ4_LEGACY_MAGIC = 0x184c2102;
/** The LZ4 frame format (lz4 without -l). */
export const LZ4_FRAME_MAGIC = 0x184d2204;
const LEGACY_BLOCK = 8 * 1024 * 1024;
const WINDOW = 64 * 1024;
const BLOCK_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

const u32 = (bytes: Uint8Array, at: number) => (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
/** The most a block of `size` bytes can grow to when compressed (LZ4_compressBound). */
const compressBound = (size: number) => size + Math.floor(size / 255) + 16;

/**
 * Decodes one LZ4 block into `out` after `start` bytes of history (the
 * previous 64 KiB when blocks are linked) and returns the end of the output.
 * Every length and offset is checked, so a hostile block cannot read or write
 * outside the two buffers.
 */
export function decodeLz4Block(input: Uint8Array, out: Uint8Array, start: number): number {
  let ip = 0;
  let op = start;
  const corrupt = () => new InspectError("corrupt", "An LZ4 block in the initramfs is corrupt.");
  while (ip < input.length) {
    const token = input[ip++];
    let literals = token >>> 4;
    if (literals === 15) {
      let byte: number;
      do {
        if (ip >= input.length) throw corrupt();
        byte = input[ip++];
        literals += byte;
      } while (byte === 255);
    }
    if (ip + literals > input.length || op + literals > out.length) throw corrupt();
    out.set(input.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip === input.length) break; // the last sequence has literals only
    if (ip + 2 > input.length) throw corrupt();
    const offset = input[ip] | (input[ip + 1] << 8);
    ip += 2;
    let length = (token & 15) + 4;
    if ((token & 15) === 15) {
      let byte: number;
      do {
        if (ip >= input.length) throw corrupt();
        byte = input[ip++];
        length += byte;
      } while (byte === 255);
    }
    if (offset === 0 || offset > op || op + length > out.length) throw corrupt();
    if (offset >= length) {
      out.copyWithin(op, op - offset, op - offset + length);
      op += length;
    } else {
      for (let i = 0; i < length; i++, op++) out[op] = out[op - offset];
    }
  }
  return op;
}

/**
 * Streams an lz4 segment (legacy or frame format, frames may follow each
 * other) starting at `offset`. Unlike the library decompressors it knows where
 * its input ends, so the caller can go on with what follows: the generator
 * returns the offset of the first byte after the compressed data.
 */
export async function* decompressLz4(reader: RandomAccessReader, offset: number): AsyncGenerator<Uint8Array, number> {
  let at = offset;
  while (at + 4 <= reader.size) {
    const magic = u32(await readExact(reader, at, 4, "lz4 header"), 0);
    if (magic === LZ4_LEGACY_MAGIC) {
      at += 4;
      // Legacy blocks are independent; the stream ends at the end of the input, a zero size, or a new magic.
      while (at + 4 <= reader.size) {
        const size = u32(await readExact(reader, at, 4, "lz4 block size"), 0);
        if (size === LZ4_LEGACY_MAGIC) {
          at += 4;
          continue;
        }
        if (size === 0 || size > compressBound(LEGACY_BLOCK)) break;
        const block = await readExact(reader, at + 4, size, "lz4 block");
        at += 4 + size;
        const out = new Uint8Array(LEGACY_BLOCK);
        yield out.subarray(0, decodeLz4Block(block, out, 0));
      }
      return at;
    }
    if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) {
      // A skippable frame.
      const length = u32(await readExact(reader, at + 4, 4, "lz4 skippable frame"), 0);
      at += 8 + length;
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) return at;
    at = yield* decodeFrame(reader, at + 4);
  }
  return at;
}

async function* decodeFrame(reader: RandomAccessReader, start: number): AsyncGenerator<Uint8Array, number> {
  let at = start;
  const descriptor = await readExact(reader, at, 2, "lz4 frame descriptor");
  const flags = descriptor[0];
  if (flags >>> 6 !== 1) throw new InspectError("corrupt", "The lz4 frame has an unknown version.");
  const independent = (flags & 0x20) !== 0;
  const blockChecksum = (flags & 0x10) !== 0;
  const contentSize = (flags & 0x08) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  const dictId = (flags & 0x01) !== 0;
  const maxBlock = BLOCK_SIZES[(descriptor[1] >>> 4) & 7];
  if (!maxBlock) throw new InspectError("corrupt", "The lz4 frame has an invalid block size.");
  at += 2 + (contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1;
  let history = new Uint8Array(0);
  for (;;) {
    const raw = u32(await readExact(reader, at, 4, "lz4 block size"), 0);
    at += 4;
    if (raw === 0) break;
    const size = raw & 0x7fffffff;
    if (size > maxBlock) throw new InspectError("corrupt", "An lz4 block is larger than its frame allows.");
    const block = await readExact(reader, at, size, "lz4 block");
    at += size + (blockChecksum ? 4 : 0);
    let produced: Uint8Array;
    if (raw & 0x80000000) {
      produced = block;
    } else {
      const out = new Uint8Array(history.length + maxBlock);
      out.set(history);
      produced = out.subarray(history.length, decodeLz4Block(block, out, history.length));
    }
    if (!independent) {
      const joined = new Uint8Array(Math.min(WINDOW, history.length + produced.length));
      const fromHistory = joined.length - Math.min(produced.length, joined.length);
      joined.set(history.subarray(history.length - fromHistory), 0);
      joined.set(produced.subarray(produced.length - (joined.length - fromHistory)), fromHistory);
      history = joined;
    }
    yield produced;
  }
  return at + (contentChecksum ? 4 : 0);
}
