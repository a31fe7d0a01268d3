import { Readable } from "node:stream";
import type { GuestDisk } from "../inspect/disk/mapped-disk";
import { diskPieces } from "./disk-pieces";

const MiB = 1024 * 1024;
/** What zero runs are sent from: a piece of zeros is never read from the image. */
const ZEROS = Buffer.alloc(4 * MiB);

/** Bytes [start, end] (inclusive, as HTTP Range counts) of the guest disk, in order, zero runs sent without a read. */
async function* rawBytes(disk: GuestDisk, start: number, end: number): AsyncGenerator<Buffer> {
  for await (const piece of diskPieces(disk, { from: start, allocate: (bytes) => Buffer.allocUnsafe(bytes) })) {
    const from = Math.max(start, piece.offset);
    const to = Math.min(end + 1, piece.offset + piece.length);
    for (let at = from; at < to; at += ZEROS.length) {
      const length = Math.min(ZEROS.length, to - at);
      // A read piece lives in a buffer the next piece reuses: what is pushed to the client is a copy.
      yield piece.data ? Buffer.from(piece.data.subarray(at - piece.offset, at - piece.offset + length)) : ZEROS.subarray(0, length);
    }
    if (piece.offset + piece.length > end) return;
  }
}

/** A guest disk opened for one stream, and how to let go of what it reads from. */
export interface OpenedDisk {
  disk: GuestDisk;
  close(): Promise<void>;
}

/**
 * A raw image of a guest disk, whole or one byte range, read from its container as it is sent: raw is the
 * disk itself, so there is nothing to convert and nothing to keep. The disk is opened when the stream is
 * first read and closed when it ends, fails or is destroyed.
 */
export function rawDiskStream(open: () => Promise<OpenedDisk>, range: { start: number; end: number }): Readable {
  return Readable.from(
    (async function* () {
      const opened = await open();
      try {
        yield* rawBytes(opened.disk, range.start, range.end);
      } finally {
        await opened.close();
      }
    })(),
    { objectMode: false },
  );
}
