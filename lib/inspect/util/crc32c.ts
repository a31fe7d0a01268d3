import { crcTable } from "./crc-table";

/** CRC-32C (Castagnoli): the metadata checksum of ext4, XFS and btrfs, and btrfs' name hash. */

const TABLE = crcTable(0x82f63b78);

/** The raw register update, as the kernel's crc32c(seed, data, len): no inversion on the way in or out. */
export function crc32cUpdate(seed: number, data: Uint8Array, start = 0, end = data.length): number {
  let crc = seed >>> 0;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return crc >>> 0;
}

/** The standard CRC-32C of `data[start, end)`. */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  return ~crc32cUpdate(0xffffffff, data, start, end) >>> 0;
}
