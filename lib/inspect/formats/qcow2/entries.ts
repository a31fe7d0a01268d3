import type { Qcow2Header } from "./header";

/** L1/L2 entries are big-endian 64-bit; we handle them as two 32-bit halves. */
const TWO_32 = 2 ** 32;

export const isCompressed = (hi: number): boolean => (hi & 0x40000000) !== 0;
export const isCopied = (hi: number): boolean => (hi & 0x80000000) !== 0;

/** Bits 9-55: the host offset of an L2 table (L1 entry), a refcount block or a standard cluster. */
export const tableOffset = (hi: number, lo: number): number => (hi & 0x00ffffff) * TWO_32 + ((lo & 0xfffffe00) >>> 0);

/** Bit 0 of a standard descriptor: reads as zeros (not with extended L2, where it is reserved). */
export const zeroFlag = (lo: number): boolean => (lo & 1) === 1;

/**
 * A compressed cluster descriptor (x = 62 - (cluster_bits - 8)): bits 0..x-1
 * the host byte offset, bits x..61 the additional 512-byte sectors. The
 * length runs to the end of the last sector, as qemu reads it.
 */
export function compressedLocation(h: Qcow2Header, hi: number, lo: number): { offset: number; length: number } {
  const offsetHiBits = 70 - h.clusterBits - 32;
  const offset = (hi & ((1 << offsetHiBits) - 1)) * TWO_32 + (lo >>> 0);
  const sectors = ((hi >>> offsetHiBits) & ((1 << (h.clusterBits - 8)) - 1)) + 1;
  return { offset, length: sectors * 512 - (offset % 512) };
}
