import type { RandomAccessReader } from "@/lib/inspect/reader";

/** A reader that returns `base` with some byte ranges replaced, to corrupt an image in memory. */
export function patchedReader(base: RandomAccessReader, patches: { offset: number; bytes: Uint8Array }[]): RandomAccessReader {
  return {
    size: base.size,
    async read(offset, length) {
      const bytes = Uint8Array.from(await base.read(offset, length));
      for (const patch of patches) {
        const from = Math.max(offset, patch.offset);
        const to = Math.min(offset + bytes.length, patch.offset + patch.bytes.length);
        if (from < to) bytes.set(patch.bytes.subarray(from - patch.offset, to - patch.offset), from - offset);
      }
      return bytes;
    },
  };
}
