// What ext needs beyond lib/inspect/binary.ts: split 64-bit fields, signed times, UTF-8 names.
import { u32le } from "../../binary";

export const i32 = (bytes: Uint8Array, offset: number): number => u32le(bytes, offset) | 0;

/** A 64-bit value split into a low 32-bit word and a high word (of any width) elsewhere. */
export const hiLo = (high: number, low: number): number => high * 2 ** 32 + low;

const utf8 = new TextDecoder("utf-8");

/** Bytes up to the first NUL, decoded as UTF-8 (invalid sequences become U+FFFD). */
export function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return utf8.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

export const decodeName = (bytes: Uint8Array): string => utf8.decode(bytes);

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
