import type { RandomAccessReader } from "../reader";

/** A reader over bytes already in memory (tests, small uploads, the browser's first chunk). */
export function bytesReader(bytes: Uint8Array): RandomAccessReader {
  return {
    size: bytes.length,
    read(offset, length) {
      if (offset < 0 || length <= 0 || offset >= bytes.length) return Promise.resolve(new Uint8Array(0));
      return Promise.resolve(bytes.subarray(offset, Math.min(bytes.length, offset + length)));
    },
  };
}
