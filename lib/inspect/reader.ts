import { InspectError } from "./errors";

/**
 * Everything lib/inspect reads goes through this interface, so the same code
 * inspects a file on the server, a File in the browser and bytes in a test,
 * and so a test can see every byte range the inspector asked for.
 */
export interface RandomAccessReader {
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Up to `length` bytes starting at `offset`; shorter only at the end of the
   * data. Never reads outside [0, size).
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: fills `target` from `offset` (fewer bytes only at the end of the data) and returns
   * the bytes read, so that a caller streaming gigabytes can reuse its buffers instead of
   * allocating one per read.
   */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
}

/** A window of another reader: a partition of a disk, a file inside an archive. */
export function sliceReader(reader: RandomAccessReader, start: number, size: number): RandomAccessReader {
  if (start < 0 || size < 0 || start + size > reader.size) {
    throw new InspectError("corrupt", `A region of ${size} bytes at offset ${start} lies outside the ${reader.size}-byte disk.`);
  }
  return {
    size,
    read(offset, length) {
      if (offset >= size || length <= 0) return Promise.resolve(new Uint8Array(0));
      return reader.read(start + offset, Math.min(length, size - offset));
    },
  };
}

/** Exactly `length` bytes at `offset`, or an InspectError when the data ends first. */
export async function readExact(reader: RandomAccessReader, offset: number, length: number, what: string): Promise<Uint8Array> {
  const bytes = await reader.read(offset, length);
  if (bytes.length < length) {
    throw new InspectError("truncated", `The file ends inside the ${what} (needed ${length} bytes at offset ${offset}, the file is ${reader.size} bytes).`);
  }
  return bytes;
}
