import { latin1, u16le } from "../../binary";
import { NTFS } from "./ntfs-errors";

/** NTFS protects multi-sector structures in strides of 512 bytes, whatever the sector size. */
const STRIDE = 512;

/**
 * A copy of an MFT record or index block with its update sequence applied: the last two bytes
 * of every 512-byte stride held the sequence number while on disk and get their saved values
 * back. A stride whose bytes do not match was torn by an interrupted write.
 */
export function applyFixups(block: Uint8Array, magic: "FILE" | "INDX", what: string): Uint8Array {
  if (latin1(block.subarray(0, 4)) !== magic) throw NTFS.record_magic({ what });
  const offset = u16le(block, 4);
  const count = u16le(block, 6);
  const strides = block.length / STRIDE;
  if (count !== strides + 1 || offset < 8 || offset % 2 !== 0 || offset + 2 * count > Math.min(block.length, STRIDE - 2)) {
    throw NTFS.fixup_invalid({ what });
  }
  const fixed = block.slice();
  const usn = u16le(block, offset);
  for (let i = 1; i < count; i++) {
    const end = i * STRIDE - 2;
    if (u16le(block, end) !== usn) throw NTFS.fixup_mismatch({ what });
    fixed[end] = block[offset + 2 * i];
    fixed[end + 1] = block[offset + 2 * i + 1];
  }
  return fixed;
}
