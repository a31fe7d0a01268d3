import type { FileType } from "../file-system";
import { u16le, u32le, u8 } from "../../binary";
import { corrupt } from "./ext-error";
import { INCOMPAT } from "./features";
import type { Superblock } from "./superblock";

/** A directory entry as stored: the name is still bytes (a view into the block). */
export interface RawEntry {
  inode: number;
  name: Uint8Array;
  /** The file type byte of the entry (0 when the file system has no filetype feature). */
  fileType: number;
}

const MIN_RECORD = 12;

/**
 * ext4_rec_len_from_disk: 64 KiB blocks store a record of 65536 bytes as 65535 or 0, and borrow
 * the two low bits for bits 16-17.
 */
function recordLength(raw: number, blockSize: number): number {
  if (blockSize < 65536) return raw;
  if (raw === 65535 || raw === 0) return blockSize;
  return (raw & 65532) | ((raw & 3) << 16);
}

const isDotOrDotDot = (name: Uint8Array) => (name.length === 1 && name[0] === 0x2e) || (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);

/**
 * The live entries of one directory block or inline region (`region` spans it exactly), "." and
 * ".." excluded. Deleted entries (inode 0), the checksum tail and the fake entries that hide
 * htree index data are skipped by construction: they all have inode 0.
 */
export function parseEntries(sb: Superblock, region: Uint8Array, where: string): RawEntry[] {
  const entries: RawEntry[] = [];
  const fileTypes = (sb.incompat & INCOMPAT.FILETYPE) !== 0;
  for (let at = 0; at < region.length;) {
    if (at + 8 > region.length) throw corrupt(`${where} ends inside a directory entry.`);
    const inode = u32le(region, at);
    const length = recordLength(u16le(region, at + 4), sb.blockSize);
    const nameLength = u8(region, at + 6);
    if (length < MIN_RECORD || length % 4 !== 0 || at + length > region.length || 8 + nameLength > length) {
      throw corrupt(`${where} has a directory record of ${length} bytes at offset ${at} that does not fit.`);
    }
    if (inode > sb.inodesCount) throw corrupt(`${where} names inode ${inode}, beyond the ${sb.inodesCount} inodes.`);
    if (inode !== 0 && nameLength > 0) {
      const name = region.subarray(at + 8, at + 8 + nameLength);
      if (!isDotOrDotDot(name)) entries.push({ inode, name, fileType: fileTypes ? u8(region, at + 7) : 0 });
    }
    at += length;
  }
  return entries;
}

/** The type a directory entry records (EXT4_FT_*), when it records one. */
export function entryType(fileType: number): FileType | undefined {
  switch (fileType) {
    case 1:
      return "file";
    case 2:
      return "directory";
    case 7:
      return "symlink";
    case 3:
    case 4:
    case 5:
    case 6:
      return "other";
    default:
      return undefined;
  }
}
