import { InspectError } from "../../errors";

/**
 * LZO1X decompression (what liblzo2's lzo1x_decompress_safe and the Linux
 * kernel's lib/lzo decode), with every read and write bounds-checked, into an
 * output of at most `maxOutput` bytes. Throws InspectError("corrupt") on a
 * malformed stream. No maintained, browser-compatible npm package does this.
 *
 * Instruction summary (t is the instruction byte):
 *   0..15  after a literal run of >= 4 bytes ("state 4"): a 3-byte match, distance 2049 + (t >> 2) + (next << 2);
 *          after a match with 1..3 trailing literals: a 2-byte match, distance 1 + (t >> 2) + (next << 2);
 *          otherwise: a literal run of t + 3 bytes (t = 0: 18 + 255 per zero byte + the next byte).
 *  16..31  M4: length (t & 7) + 2, distance 16384 + ((t & 8) << 11) + (le16 >> 2); distance 16384 is the end marker.
 *  32..63  M3: length (t & 31) + 2, distance 1 + (le16 >> 2).
 * 64..255  M2: length (t >> 5) + 1, distance 1 + ((t >> 2) & 7) + (next << 3).
 * After a match, the low two bits of its last distance byte give 0..3 literals to copy.
 */
export function lzo1xDecompress(input: Uint8Array, maxOutput: number): Uint8Array {
  const out = new Uint8Array(maxOutput);
  let ip = 0;
  let op = 0;
  const fail = (why: string): never => {
    throw new InspectError("corrupt", `Invalid LZO1X data: ${why} (input offset ${ip}, output offset ${op}).`);
  };
  const byte = (): number => (ip < input.length ? input[ip++] : fail("input ends early"));
  const copyLiterals = (count: number) => {
    if (ip + count > input.length) fail("literal run past the end of the input");
    if (op + count > maxOutput) fail("output larger than expected");
    out.set(input.subarray(ip, ip + count), op);
    ip += count;
    op += count;
  };
  const copyMatch = (distance: number, length: number) => {
    if (distance > op) fail(`match distance ${distance} before the start of the output`);
    if (op + length > maxOutput) fail("output larger than expected");
    for (let from = op - distance, end = op + length; op < end;) out[op++] = out[from++];
  };
  /** A length continued by zero bytes: each zero adds 255, then a non-zero byte ends it. */
  const longLength = (base: number): number => {
    let zeros = 0;
    while (input[ip] === 0) {
      ip++;
      if (++zeros > input.length) fail("endless length");
    }
    if (ip >= input.length) fail("input ends in a length");
    return base + zeros * 255 + byte();
  };

  // state: 0 after a match with no trailing literals (or at the start), 1..3 after 1..3 trailing literals, 4 after a longer literal run.
  let state = 0;
  if (input.length > 0 && input[0] > 17) {
    const count = byte() - 17;
    copyLiterals(count);
    state = count < 4 ? count : 4;
  }
  for (;;) {
    const t = byte();
    let trailing: number;
    if (t < 16) {
      if (state === 0) {
        copyLiterals((t === 0 ? longLength(15) : t) + 3);
        state = 4;
        continue;
      }
      const next = byte();
      if (state === 4) copyMatch(1 + 0x800 + (t >> 2) + (next << 2), 3);
      else copyMatch(1 + (t >> 2) + (next << 2), 2);
      trailing = t & 3;
    } else if (t >= 64) {
      const next = byte();
      copyMatch(1 + ((t >> 2) & 7) + (next << 3), (t >> 5) + 1);
      trailing = t & 3;
    } else if (t >= 32) {
      const length = ((t & 31) === 0 ? longLength(31) : t & 31) + 2;
      const low = byte();
      const high = byte();
      copyMatch(1 + ((low | (high << 8)) >> 2), length);
      trailing = low & 3;
    } else {
      const length = ((t & 7) === 0 ? longLength(7) : t & 7) + 2;
      const low = byte();
      const high = byte();
      const distance = ((t & 8) << 11) + ((low | (high << 8)) >> 2);
      if (distance === 0) {
        if (length !== 3) fail("malformed end marker");
        return out.subarray(0, op);
      }
      copyMatch(distance + 0x4000, length);
      trailing = low & 3;
    }
    copyLiterals(trailing);
    state = trailing;
  }
}
