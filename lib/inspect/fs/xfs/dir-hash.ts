const rol32 = (value: number, shift: number) => ((value << shift) | (value >>> (32 - shift))) >>> 0;

/** ASCII-only case folding, as the kernel's ascii-ci directories use since Linux 6.2. */
const foldAscii = (byte: number) => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);

/** The directory name hash (xfs_da_hashname), optionally case-folded for ascii-ci file systems. */
export function directoryHash(name: Uint8Array, caseFold = false): number {
  const at = caseFold ? (i: number) => foldAscii(name[i]) : (i: number) => name[i];
  let hash = 0;
  let i = 0;
  let left = name.length;
  for (; left >= 4; left -= 4, i += 4) hash = ((at(i) << 21) ^ (at(i + 1) << 14) ^ (at(i + 2) << 7) ^ at(i + 3) ^ rol32(hash, 28)) >>> 0;
  switch (left) {
    case 3:
      return ((at(i) << 14) ^ (at(i + 1) << 7) ^ at(i + 2) ^ rol32(hash, 21)) >>> 0;
    case 2:
      return ((at(i) << 7) ^ at(i + 1) ^ rol32(hash, 14)) >>> 0;
    case 1:
      return (at(i) ^ rol32(hash, 7)) >>> 0;
    default:
      return hash;
  }
}

/** Whether two names are the same directory entry (byte-equal, or ASCII case-insensitive). */
export function namesMatch(a: Uint8Array, b: Uint8Array, caseFold: boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(caseFold && foldAscii(a[i]) === foldAscii(b[i]))) return false;
  }
  return true;
}
