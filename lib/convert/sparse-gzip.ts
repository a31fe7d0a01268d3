import { Transform, type TransformCallback } from "node:stream";
import zlib from "node:zlib";

/** Zeros are told from data per 64 KiB (a QCOW2 cluster), whatever size the source's chunks are. */
const GRAIN = 64 * 1024;
/** A stored deflate block holds at most 65,535 bytes (RFC 1951 §3.2.4). */
const STORED_MAX = 0xffff;
/** gzip header (RFC 1952): deflate, no name or time, unknown OS. */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
/** The last block: an empty fixed-Huffman block with BFINAL set. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * Deflate segments for runs of zeros, by length, made once: a raw deflate stream ended by a sync flush is
 * byte-aligned, not final, and refers only to bytes it produced itself, so it can stand anywhere in a
 * longer deflate stream. 64 KiB of zeros becomes 83 bytes.
 */
const zeroSegments = new Map<number, Buffer>();
function zeroSegment(length: number): Buffer {
  let segment = zeroSegments.get(length);
  if (!segment) {
    segment = zlib.deflateRawSync(Buffer.alloc(length), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    // Only a chunk's odd tail is shorter than a grain: not worth keeping.
    if (length === GRAIN) zeroSegments.set(length, segment);
  }
  return segment;
}

function storedBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let at = 0; at < data.length; at += STORED_MAX) {
    const piece = data.subarray(at, at + STORED_MAX);
    const header = Buffer.alloc(5);
    header.writeUInt16LE(piece.length, 1);
    header.writeUInt16LE(~piece.length & 0xffff, 3);
    blocks.push(header, piece);
  }
  return blocks;
}

/** What chunks are compared with, grown to the largest chunk seen. */
let zeros = Buffer.alloc(0);
function isZero(chunk: Buffer): boolean {
  if (zeros.length < chunk.length) zeros = Buffer.alloc(chunk.length);
  return chunk.equals(zeros.subarray(0, chunk.length));
}

/**
 * A gzip encoder for raw disks (`Content-Encoding: gzip` on a raw download). Runs of zeros, most of a
 * sparse disk, go as ready-made deflate segments; data goes in stored blocks, a copy and a CRC. Deflating
 * the data as well costs a core at 10 to 80 MB/s on disk contents that are mostly compressed already
 * (packages, images): slower than the network it would spare (docs/decisions.md). The output is one
 * ordinary gzip stream, which browsers, curl --compressed and fetch decode.
 */
export function sparseGzip(): Transform {
  let crc = 0;
  let size = 0;
  return new Transform({
    construct(done) {
      this.push(HEADER);
      done();
    },
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      crc = zlib.crc32(chunk, crc);
      size = (size + chunk.length) % 2 ** 32;
      for (let at = 0; at < chunk.length; at += GRAIN) {
        const grain = chunk.subarray(at, at + GRAIN);
        if (isZero(grain)) this.push(zeroSegment(grain.length));
        else for (const block of storedBlocks(grain)) this.push(block);
      }
      done();
    },
    flush(done: TransformCallback) {
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc >>> 0, 0);
      trailer.writeUInt32LE(size, 4);
      this.push(Buffer.concat([FINAL_BLOCK, trailer]));
      done();
    },
  });
}
