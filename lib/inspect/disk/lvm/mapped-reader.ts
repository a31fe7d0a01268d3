import { InspectError } from "../../errors";
import { type RandomAccessReader, readExact } from "../../reader";

/** Where a byte of a logical volume lives: `length` bytes from `offset` of `reader` are contiguous. */
export interface Piece {
  reader: RandomAccessReader;
  offset: number;
  length: number;
}

/** The most one read call may ask for (a bound on the allocation a caller can cause). */
export const MAX_LV_READ = 256 << 20;

/**
 * Checks a read range of a volume of `size` bytes and returns where the read
 * ends (`offset` itself when nothing is to be read): integer, non-negative,
 * at most MAX_LV_READ bytes.
 */
export function checkedRange(offset: number, length: number, size: number, what: string): number {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new InspectError("corrupt", `A read of ${length} bytes at offset ${offset} of a ${what} is not a valid range.`);
  }
  const end = Math.max(offset, Math.min(size, offset + length));
  if (end - offset > MAX_LV_READ) throw new InspectError("limit", `A read of ${end - offset} bytes from a ${what} is larger than ${MAX_LV_READ}.`);
  return end;
}

/** A reader of `size` bytes whose byte `offset` lives where `locate(offset)` says. */
export function mappedReader(size: number, locate: (offset: number) => Piece): RandomAccessReader {
  return {
    size,
    async read(offset, length) {
      const end = checkedRange(offset, length, size, "logical volume");
      const bytes = new Uint8Array(end - offset);
      const reads: Promise<void>[] = [];
      for (let at = offset; at < end;) {
        const piece = locate(at);
        const take = Math.min(piece.length, end - at);
        const into = at - offset;
        reads.push(readExact(piece.reader, piece.offset, take, "logical volume").then((part) => bytes.set(part, into)));
        at += take;
      }
      await Promise.all(reads);
      return bytes;
    },
  };
}

/** Readers one after another (the segments of an LV), each of its full size. */
export function concatenatedReader(parts: RandomAccessReader[]): RandomAccessReader {
  const starts: number[] = [];
  let size = 0;
  for (const part of parts) {
    starts.push(size);
    size += part.size;
  }
  return mappedReader(size, (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { reader: parts[low], offset: offset - starts[low], length: parts[low].size - (offset - starts[low]) };
  });
}

/**
 * dm-stripe: chunk c of the volume is chunk floor(c / n) of stripe c mod n.
 * Every stripe holds size / n bytes, a whole number of chunks.
 */
export function stripedReader(stripes: RandomAccessReader[], chunkBytes: number): RandomAccessReader {
  const count = stripes.length;
  const size = stripes[0].size * count;
  return mappedReader(size, (offset) => {
    const chunk = Math.floor(offset / chunkBytes);
    const within = offset % chunkBytes;
    return { reader: stripes[chunk % count], offset: Math.floor(chunk / count) * chunkBytes + within, length: chunkBytes - within };
  });
}

/** A volume that reads as zeros (LVM's "zero" segment type). */
export function zeroReader(size: number): RandomAccessReader {
  return {
    size,
    // A range checkedRange refuses is a rejected read, as from every other reader, not a throw.
    read: (offset, length) =>
      new Promise((resolve) => {
        resolve(new Uint8Array(checkedRange(offset, length, size, "logical volume") - offset));
      }),
  };
}
