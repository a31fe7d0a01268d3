import { crcTable } from "../../util/crc-table";

/**
 * LVM's checksum (lib/misc/crc.c): the CRC-32 table of zlib (polynomial
 * 0xedb88320) run from the seed 0xf597a6cf, with no final inversion. It
 * guards the label, the metadata area header and the metadata text.
 */
export const LVM_INITIAL_CRC = 0xf597a6cf;

const table = crcTable(0xedb88320);

/** Continues `crc` over `bytes` (pass LVM_INITIAL_CRC to start). */
export function lvmCrc(bytes: Uint8Array, crc = LVM_INITIAL_CRC): number {
  let value = crc;
  for (let index = 0; index < bytes.length; index++) value = table[(value ^ bytes[index]) & 0xff] ^ (value >>> 8);
  return value >>> 0;
}
