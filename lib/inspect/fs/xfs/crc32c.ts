import * as crc32cModule from "crc-32/crc32c.js";
import { InspectError } from "../../errors";

// crc-32 is CommonJS; Node's ESM loader exposes it only as `default`, bundlers also by name.
const { buf: crc32cOf } = ((crc32cModule as unknown as { default?: typeof crc32cModule }).default ?? crc32cModule) as typeof crc32cModule;

const ZERO_FIELD = new Uint8Array(4);

/**
 * XFS v5 metadata carries a CRC32C of the whole structure computed with its own
 * 4-byte checksum field taken as zero, stored little-endian.
 */
export function xfsChecksum(bytes: Uint8Array, fieldOffset: number): number {
  let crc = crc32cOf(bytes.subarray(0, fieldOffset));
  crc = crc32cOf(ZERO_FIELD, crc);
  return crc32cOf(bytes.subarray(fieldOffset + 4), crc) >>> 0;
}

export function verifyChecksum(bytes: Uint8Array, fieldOffset: number, what: string): void {
  const stored = (bytes[fieldOffset] | (bytes[fieldOffset + 1] << 8) | (bytes[fieldOffset + 2] << 16) | (bytes[fieldOffset + 3] << 24)) >>> 0;
  if (xfsChecksum(bytes, fieldOffset) !== stored) throw new InspectError("corrupt", `The XFS ${what} has a bad checksum.`);
}
