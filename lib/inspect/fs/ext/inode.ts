import type { FileType } from "../file-system";
import { u16le, u32le } from "../../binary";
import { hiLo, i32 } from "./bytes";
import { corrupt } from "./ext-error";
import { INCOMPAT, INODE_FLAG, RO_COMPAT } from "./features";
import type { Superblock } from "./superblock";

export const ROOT_INODE = 2;
/** i_block: 15 words holding block pointers, an extent tree root, a fast symlink or inline data. */
export const I_BLOCK_OFFSET = 0x28;
export const I_BLOCK_SIZE = 60;
const GOOD_OLD_INODE_SIZE = 128;

export interface Inode {
  ino: number;
  /** i_mode: file type and permission bits. */
  mode: number;
  type: FileType;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  links: number;
  flags: number;
  /** Space used, in 512-byte sectors. */
  sectors: number;
  /** The extended-attribute block, 0 when there is none. */
  fileAcl: number;
  /** The whole on-disk inode (s_inode_size bytes), for i_block and the in-inode attributes. */
  raw: Uint8Array;
  /** Where the in-inode extended attributes start (past i_extra_isize), or null when there is no room. */
  extraEnd: number | null;
}

const S_IFMT = 0xf000;

function typeOf(mode: number): FileType {
  switch (mode & S_IFMT) {
    case 0x8000:
      return "file";
    case 0x4000:
      return "directory";
    case 0xa000:
      return "symlink";
    default:
      return "other";
  }
}

/** Decodes one on-disk inode (`raw` is s_inode_size bytes). */
export function parseInode(sb: Superblock, ino: number, raw: Uint8Array): Inode {
  const mode = u16le(raw, 0x0);
  const type = typeOf(mode);
  const flags = u32le(raw, 0x20);
  let extraEnd: number | null = null;
  let mtime = i32(raw, 0x10);
  if (sb.inodeSize > GOOD_OLD_INODE_SIZE) {
    const extraSize = u16le(raw, 0x80);
    if (GOOD_OLD_INODE_SIZE + extraSize > sb.inodeSize || extraSize % 4 !== 0) {
      throw corrupt(`inode ${ino} has an invalid extra size ${extraSize}.`);
    }
    extraEnd = GOOD_OLD_INODE_SIZE + extraSize;
    // i_mtime_extra (0x88) holds two more bits of seconds above the signed 32-bit i_mtime.
    if (extraSize >= 0x0c) mtime += (u32le(raw, 0x88) & 3) * 2 ** 32;
  }
  // i_size_high is part of the size for regular files, and for directories with largedir.
  const wideSize = type === "file" || (sb.incompat & INCOMPAT.LARGEDIR) !== 0;
  const size = hiLo(wideSize ? u32le(raw, 0x6c) : 0, u32le(raw, 0x4));
  if (size > Number.MAX_SAFE_INTEGER) throw corrupt(`inode ${ino} claims a size of more than 2^53 bytes.`);
  const hugeFile = (sb.roCompat & RO_COMPAT.HUGE_FILE) !== 0;
  const blocks = hiLo(hugeFile ? u16le(raw, 0x74) : 0, u32le(raw, 0x1c));
  const sectors = hugeFile && flags & INODE_FLAG.HUGE_FILE ? blocks * (sb.blockSize / 512) : blocks;
  return {
    ino,
    mode,
    type,
    uid: u16le(raw, 0x2) + u16le(raw, 0x78) * 0x10000,
    gid: u16le(raw, 0x18) + u16le(raw, 0x7a) * 0x10000,
    size,
    mtime,
    links: u16le(raw, 0x1a),
    flags,
    sectors,
    fileAcl: hiLo(u16le(raw, 0x76), u32le(raw, 0x68)),
    raw,
    extraEnd,
  };
}

export const iBlock = (inode: Inode): Uint8Array => inode.raw.subarray(I_BLOCK_OFFSET, I_BLOCK_OFFSET + I_BLOCK_SIZE);

export const hasFlag = (inode: Inode, flag: number): boolean => (inode.flags & flag) !== 0;
