import { crcTable } from "./crc-table";

/** CRC-32 (IEEE 802.3, the zlib one): the checksum of GPT headers and partition entry arrays. */

const TABLE = crcTable(0xedb88320);

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
