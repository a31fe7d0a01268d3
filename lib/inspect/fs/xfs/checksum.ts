import { InspectError } from "../../errors";
import { crc32cUpdate } from "../../util/crc32c";

const ZERO_FIELD = new Uint8Array(4);

/**
 * XFS v5 metadata carries a CRC32C of the whole structure computed with its own
 * 4-byte checksum field taken as zero, stored little-endian.
 */
export function xfsChecksum(bytes: Uint8Array, fieldOffset: number): number {
  let crc = crc32cUpdate(0xffffffff, bytes, 0, fieldOffset);
  crc = crc32cUpdate(crc, ZERO_FIELD);
  return ~crc32cUpdate(crc, bytes, fieldOffset + 4) >>> 0;
}

export function verifyChecksum(bytes: Uint8Array, fieldOffset: number, what: string): void {
  const stored = (bytes[fieldOffset] | (bytes[fieldOffset + 1] << 8) | (bytes[fieldOffset + 2] << 16) | (bytes[fieldOffset + 3] << 24)) >>> 0;
  if (xfsChecksum(bytes, fieldOffset) !== stored) throw new InspectError("corrupt", `The XFS ${what} has a bad checksum.`);
}
