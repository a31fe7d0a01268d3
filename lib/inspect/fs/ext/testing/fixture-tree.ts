// The deterministic contents of the tree scripts/fixtures/fs-ext/make-tree.ts writes, shared
// with the tests so that they can check bytes read from the images without another oracle.

/** `length` pseudo-random bytes that depend only on `name` (xorshift32 seeded by the name). */
export function fixtureBytes(name: string, length: number): Uint8Array {
  let state = 2166136261;
  for (const char of name) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  if (state === 0) state = 1;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** sparse/runs.bin holds one run of data every SPARSE_STRIDE bytes; the rest is hole. */
export const SPARSE_STRIDE = 8192;
export const SPARSE_RUN_LENGTH = 1024;

export function sparseRun(run: number): Uint8Array {
  const text = `run ${String(run).padStart(6, "0")} `;
  const bytes = new Uint8Array(SPARSE_RUN_LENGTH);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = text.charCodeAt(i % text.length);
  return bytes;
}

/** sparse/huge.bin: marks at these offsets in a file larger than 4 GiB; zeros elsewhere. */
export const HUGE_FILE_MARKS = [
  { offset: 0, text: "HEAD" },
  { offset: 2 ** 32 - 3, text: "ACROSS-4GIB" },
  { offset: 5 * 2 ** 30, text: "TAIL" },
];
export const HUGE_FILE_SIZE = 5 * 2 ** 30 + 4;

/**
 * The name of entry `i` of the big directory: varied lengths so that leaves split at many hashes,
 * and some non-ASCII names, whose hash differs between the signed and unsigned variants.
 */
export function bigDirName(i: number): string {
  return `entry-${String(i).padStart(5, "0")}${"-x".repeat(i % 7)}${i % 100 === 50 ? "-é日本" : ""}`;
}
