// The name hashes of htree directories (the kernel's fs/ext4/hash.c): legacy, half-MD4 and TEA,
// each with the signed-char and unsigned-char variants (which one a file system uses depends on
// the CPU that created it, recorded in s_flags).

export const DX_HASH = {
  LEGACY: 0,
  HALF_MD4: 1,
  TEA: 2,
  LEGACY_UNSIGNED: 3,
  HALF_MD4_UNSIGNED: 4,
  TEA_UNSIGNED: 5,
} as const;

const DEFAULT_SEED = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

const charValue = (byte: number, unsigned: boolean) => (unsigned || byte < 0x80 ? byte : byte - 256);

function legacyHash(name: Uint8Array, unsigned: boolean): number {
  let hash0 = 0x12a3fe2d;
  let hash1 = 0x37abe8f9;
  for (const byte of name) {
    let hash = (hash1 + (hash0 ^ Math.imul(charValue(byte, unsigned), 7152373))) >>> 0;
    if (hash & 0x80000000) hash = (hash - 0x7fffffff) >>> 0;
    hash1 = hash0;
    hash0 = hash;
  }
  return (hash0 << 1) >>> 0;
}

/** str2hashbuf: packs up to 4 * `words` bytes of `name` from `start` into words, padded with the length. */
function hashBuffer(name: Uint8Array, start: number, words: number, unsigned: boolean): number[] {
  const remaining = name.length - start;
  let pad = (remaining | (remaining << 8)) >>> 0;
  pad = (pad | (pad << 16)) >>> 0;
  const out: number[] = [];
  let value = pad;
  const length = Math.min(remaining, words * 4);
  for (let i = 0; i < length; i += 1) {
    value = (charValue(name[start + i], unsigned) + ((value << 8) >>> 0)) >>> 0;
    if (i % 4 === 3) {
      out.push(value);
      value = pad;
    }
  }
  if (out.length < words) out.push(value);
  while (out.length < words) out.push(pad);
  return out;
}

const rotl = (x: number, s: number) => ((x << s) | (x >>> (32 - s))) >>> 0;

function halfMd4Transform(buf: number[], input: number[]): void {
  let [a, b, c, d] = buf;
  const F = (x: number, y: number, z: number) => (z ^ (x & (y ^ z))) >>> 0;
  const G = (x: number, y: number, z: number) => ((x & y) + ((x ^ y) & z)) >>> 0;
  const H = (x: number, y: number, z: number) => (x ^ y ^ z) >>> 0;
  const K2 = 0x5a827999;
  const K3 = 0x6ed9eba1;
  // Three rounds of eight steps; each step is (function, word, shift), rotating a, b, c, d.
  const rounds: [typeof F, number, number[], number[]][] = [
    [F, 0, [0, 1, 2, 3, 4, 5, 6, 7], [3, 7, 11, 19]],
    [G, K2, [1, 3, 5, 7, 0, 2, 4, 6], [3, 5, 9, 13]],
    [H, K3, [3, 7, 2, 6, 1, 5, 0, 4], [3, 9, 11, 15]],
  ];
  for (const [f, k, order, shifts] of rounds) {
    for (let step = 0; step < 8; step += 1) {
      const x = (input[order[step]] + k) >>> 0;
      const s = shifts[step % 4];
      switch (step % 4) {
        case 0:
          a = rotl((a + f(b, c, d) + x) >>> 0, s);
          break;
        case 1:
          d = rotl((d + f(a, b, c) + x) >>> 0, s);
          break;
        case 2:
          c = rotl((c + f(d, a, b) + x) >>> 0, s);
          break;
        default:
          b = rotl((b + f(c, d, a) + x) >>> 0, s);
      }
    }
  }
  buf[0] = (buf[0] + a) >>> 0;
  buf[1] = (buf[1] + b) >>> 0;
  buf[2] = (buf[2] + c) >>> 0;
  buf[3] = (buf[3] + d) >>> 0;
}

function teaTransform(buf: number[], input: number[]): void {
  let sum = 0;
  let b0 = buf[0];
  let b1 = buf[1];
  const [a, b, c, d] = input;
  for (let n = 0; n < 16; n += 1) {
    sum = (sum + 0x9e3779b9) >>> 0;
    b0 = (b0 + ((((b1 << 4) + a) ^ (b1 + sum) ^ ((b1 >>> 5) + b)) >>> 0)) >>> 0;
    b1 = (b1 + ((((b0 << 4) + c) ^ (b0 + sum) ^ ((b0 >>> 5) + d)) >>> 0)) >>> 0;
  }
  buf[0] = (buf[0] + b0) >>> 0;
  buf[1] = (buf[1] + b1) >>> 0;
}

/**
 * The major hash of `name` for hash version `version` (0-5) and the superblock's seed, or null
 * for a version this reader does not know (the caller then searches the directory linearly).
 */
export function dxHash(name: Uint8Array, version: number, seed: number[]): number | null {
  const buf = seed.some((word) => word !== 0) ? [...seed] : [...DEFAULT_SEED];
  const unsigned = version >= DX_HASH.LEGACY_UNSIGNED;
  // Half-MD4 and TEA digest the name in chunks of 8 and 4 words.
  const digest = (words: number, transform: (state: number[], input: number[]) => void) => {
    for (let start = 0; start < name.length; start += words * 4) transform(buf, hashBuffer(name, start, words, unsigned));
  };
  let hash: number;
  switch (version) {
    case DX_HASH.LEGACY:
    case DX_HASH.LEGACY_UNSIGNED:
      hash = legacyHash(name, unsigned);
      break;
    case DX_HASH.HALF_MD4:
    case DX_HASH.HALF_MD4_UNSIGNED:
      digest(8, halfMd4Transform);
      hash = buf[1];
      break;
    case DX_HASH.TEA:
    case DX_HASH.TEA_UNSIGNED:
      digest(4, teaTransform);
      hash = buf[0];
      break;
    default:
      return null;
  }
  hash = (hash & ~1) >>> 0;
  // EXT4_HTREE_EOF_32BIT << 1 is reserved for "end of directory".
  return hash === 0xfffffffe ? 0xfffffffc : hash;
}
