/**
 * Integer and text decoding for on-disk structures. 64-bit fields come back
 * as numbers: exact up to 2^53, and beyond that still larger than any real
 * file, which is all a bounds check needs. Callers that report such a value
 * check Number.isSafeInteger first.
 */

export const u8 = (b: Uint8Array, o: number): number => b[o] ?? 0;

export const u16le = (b: Uint8Array, o: number): number => u8(b, o) | (u8(b, o + 1) << 8);
export const u16be = (b: Uint8Array, o: number): number => (u8(b, o) << 8) | u8(b, o + 1);

export const u32le = (b: Uint8Array, o: number): number => (u8(b, o) | (u8(b, o + 1) << 8) | (u8(b, o + 2) << 16) | (u8(b, o + 3) << 24)) >>> 0;
export const u32be = (b: Uint8Array, o: number): number => ((u8(b, o) << 24) | (u8(b, o + 1) << 16) | (u8(b, o + 2) << 8) | u8(b, o + 3)) >>> 0;

const TWO_32 = 2 ** 32;
export const u64le = (b: Uint8Array, o: number): number => u32le(b, o + 4) * TWO_32 + u32le(b, o);
export const u64be = (b: Uint8Array, o: number): number => u32be(b, o) * TWO_32 + u32be(b, o + 4);

/** All 64 bits set, the "not here" marker of several formats. */
export const isAllOnes64 = (b: Uint8Array, o: number): boolean => u32le(b, o) === 0xffffffff && u32le(b, o + 4) === 0xffffffff;

export const u64beBig = (b: Uint8Array, o: number): bigint => (BigInt(u32be(b, o)) << 32n) | BigInt(u32be(b, o + 4));

/** `text` (ASCII) at offset `o`. */
export function matches(b: Uint8Array, o: number, text: string | readonly number[]): boolean {
  if (o < 0 || o + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) {
    const want = typeof text === "string" ? text.charCodeAt(i) : text[i];
    if (b[o + i] !== want) return false;
  }
  return true;
}

/** Bytes as Latin-1 text, up to the first NUL. */
export function cString(b: Uint8Array, o = 0, max = b.length - o): string {
  let end = o;
  const limit = Math.min(b.length, o + max);
  while (end < limit && b[end] !== 0) end++;
  return latin1(b.subarray(o, end));
}

export function latin1(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i += 8192) out += String.fromCharCode(...b.subarray(i, i + 8192));
  return out;
}

export function utf16le(b: Uint8Array, o: number, byteLength: number): string {
  let out = "";
  for (let i = o; i + 1 < o + byteLength && i + 1 < b.length; i += 2) {
    const code = u16le(b, i);
    if (code === 0) break;
    out += String.fromCharCode(code);
  }
  return out;
}

export const isZero = (b: Uint8Array): boolean => b.every((byte) => byte === 0);

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** A GUID stored the Microsoft way (first three fields little-endian), lowercase with dashes. */
export function guidLe(b: Uint8Array, o: number): string {
  const tail = Array.from(b.subarray(o + 8, o + 16), (x) => hex(x, 2)).join("");
  return `${hex(u32le(b, o), 8)}-${hex(u16le(b, o + 4), 4)}-${hex(u16le(b, o + 6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}
