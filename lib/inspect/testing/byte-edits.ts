/** Writing on-disk fields into a byte array: for crafting hostile images in fixtures and tests. */

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

export const setU16le = (b: Uint8Array, o: number, v: number) => view(b).setUint16(o, v, true);
export const setU32be = (b: Uint8Array, o: number, v: number) => view(b).setUint32(o, v >>> 0, false);
export const setU32le = (b: Uint8Array, o: number, v: number) => view(b).setUint32(o, v >>> 0, true);
export const setU64be = (b: Uint8Array, o: number, v: bigint) => view(b).setBigUint64(o, BigInt.asUintN(64, v), false);
export const setU64le = (b: Uint8Array, o: number, v: bigint) => view(b).setBigUint64(o, BigInt.asUintN(64, v), true);

export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** `b` grown (zero-filled) or cut to `size` bytes. */
export function resized(b: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(b.subarray(0, Math.min(b.length, size)));
  return out;
}
