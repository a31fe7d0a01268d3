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

/** A reader of `size` bytes whose byte `offset` lives where `locate(offset)` says. */
export function mappedReader(size: number, locate: (offset: number) => Piece): RandomAccessReader {
  return {
    size,
    async read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new InspectError("corrupt", `A read of ${length} bytes at offset ${offset} of a logical volume is not a valid range.`);
      }
      if (offset >= size || length === 0) return new Uint8Array(0);
      const end = Math.min(size, offset + length);
      if (end - offset > MAX_LV_READ) throw new InspectError("limit", `A read of ${end - offset} bytes from a logical volume is larger than ${MAX_LV_READ}.`);
      const bytes = new Uint8Array(end - offset);
      const reads: Promise<void>[] = [];
      for (let at = offset; at < end; ) {
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
    async read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new InspectError("corrupt", `A read of ${length} bytes at offset ${offset} of a logical volume is not a valid range.`);
      }
      const count = Math.max(0, Math.min(length, size - offset));
      if (count > MAX_LV_READ) throw new InspectError("limit", `A read of ${count} bytes from a logical volume is larger than ${MAX_LV_READ}.`);
      return new Uint8Array(count);
    },
  };
}
