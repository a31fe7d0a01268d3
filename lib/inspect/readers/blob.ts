import type { RandomAccessReader } from "../reader";

/**
 * A reader over a Blob or File (the browser's file picker, drag and drop).
 * Each read slices the Blob, so only the bytes asked for are loaded.
 */
export function blobReader(blob: Blob): RandomAccessReader {
  return {
    size: blob.size,
    async read(offset, length) {
      if (offset < 0 || length <= 0 || offset >= blob.size) return new Uint8Array(0);
      const end = Math.min(blob.size, offset + length);
      return new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    },
  };
}
