/** LZNT1 works in chunks of 4 KiB of output. */
const CHUNK = 4096;

/**
 * Decompresses one LZNT1 compression unit (what NTFS stores for a compressed run of 16
 * clusters) into `out`, returning the bytes written, or a reason the data is not LZNT1.
 * Each chunk starts with a 16-bit header (bit 15: compressed; low 12 bits: stored size - 3); a
 * compressed chunk is groups of a flag byte and eight literal bytes or 16-bit back references
 * whose offset/length split widens as the chunk's output grows. Output never exceeds `out`;
 * `out` must be zero-filled (a short chunk leaves zeros to its 4 KiB).
 */
export function lznt1Decompress(input: Uint8Array, out: Uint8Array): number | string {
  let inPos = 0;
  let outPos = 0;
  while (inPos + 2 <= input.length && outPos < out.length) {
    const header = input[inPos] | (input[inPos + 1] << 8);
    if (header === 0) break;
    const stored = (header & 0x0fff) + 1;
    const chunkEnd = inPos + 2 + stored;
    if (chunkEnd > input.length) return `a chunk at byte ${inPos} runs past the data`;
    inPos += 2;
    const chunkStart = outPos;
    const chunkLimit = Math.min(out.length, chunkStart + CHUNK);
    if ((header & 0x8000) === 0) {
      // Stored as is: a full chunk of literal bytes (or the rest of the unit).
      const take = Math.min(stored, chunkLimit - outPos);
      out.set(input.subarray(inPos, inPos + take), outPos);
      outPos = chunkLimit;
      inPos = chunkEnd;
      continue;
    }
    while (inPos < chunkEnd && outPos < chunkLimit) {
      const flags = input[inPos++];
      for (let bit = 0; bit < 8 && inPos < chunkEnd && outPos < chunkLimit; bit++) {
        if ((flags & (1 << bit)) === 0) {
          out[outPos++] = input[inPos++];
          continue;
        }
        if (inPos + 2 > chunkEnd) return `a back reference at byte ${inPos} is cut off`;
        const token = input[inPos] | (input[inPos + 1] << 8);
        inPos += 2;
        let lengthBits = 12;
        for (let produced = outPos - chunkStart - 1; produced >= 0x10; produced >>= 1) lengthBits--;
        const back = (token >> lengthBits) + 1;
        const length = (token & ((1 << lengthBits) - 1)) + 3;
        if (back > outPos - chunkStart) return `a back reference at byte ${inPos - 2} points before its chunk`;
        for (let i = 0; i < length && outPos < chunkLimit; i++, outPos++) out[outPos] = out[outPos - back];
      }
    }
    // A chunk that decompresses short is followed by zeros up to its 4 KiB (as Windows writes them).
    outPos = chunkLimit;
    inPos = chunkEnd;
  }
  return outPos;
}
