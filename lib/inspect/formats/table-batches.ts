import type { ByteSource } from "../source";

/** One read covers at most this many bytes of back-to-back tables. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Reads fixed-size tables (L2 tables, grain tables) at the given file
 * offsets, merging tables that lie back to back into one read, and calls
 * `visit` for each in file order. Offsets must be distinct and inside the
 * file; gaps between tables are never read, so guest data stays unread.
 */
export async function visitTables<T extends { offset: number }>(
  src: ByteSource,
  tables: T[],
  tableBytes: number,
  visit: (table: T, bytes: Uint8Array) => void,
  onProgress?: (done: number) => void,
): Promise<void> {
  const sorted = [...tables].sort((a, b) => a.offset - b.offset);
  let done = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (
      j < sorted.length &&
      sorted[j].offset === sorted[j - 1].offset + tableBytes &&
      (j - i + 1) * tableBytes <= MAX_BATCH_BYTES
    ) {
      j++;
    }
    const start = sorted[i].offset;
    const bytes = await src.read(start, (j - i) * tableBytes);
    for (let k = i; k < j; k++) {
      const from = (k - i) * tableBytes;
      visit(sorted[k], bytes.subarray(from, from + tableBytes));
    }
    done += j - i;
    onProgress?.(done);
    i = j;
  }
}
