import type { FileSystemKind } from "../../report";
import { u16le, u32le, u8 } from "../../binary";
import { cString, hiLo } from "./bytes";
import { crc32cUpdate } from "../../util/crc32c";
import { corrupt, extError } from "./ext-error";
import { COMPAT, INCOMPAT, incompatNames, RO_COMPAT, SUPPORTED_INCOMPAT } from "./features";

/** The primary superblock: 1024 bytes at byte 1024 of the file system, whatever the block size. */
export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_SIZE = 1024;
export const EXT_MAGIC = 0xef53;

export interface Superblock {
  blockSize: number;
  clusterSize: number;
  blocksCount: number;
  firstDataBlock: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  inodesCount: number;
  inodeSize: number;
  groupCount: number;
  /** Size of one group descriptor: 32, or s_desc_size with the 64bit feature. */
  descSize: number;
  firstMetaBg: number;
  compat: number;
  incompat: number;
  roCompat: number;
  /** s_backup_bgs: the two groups holding backups with sparse_super2. */
  backupGroups: [number, number];
  /** The htree hash seed (four words; all zero means the default seed). */
  hashSeed: number[];
  /** s_flags says the directory hash treats names as unsigned chars. */
  unsignedHash: boolean;
  journalInode: number;
  uuid: string | null;
  label: string | null;
  kind: FileSystemKind;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** True when `bytes` (the 1024 bytes at offset 1024) carry the ext superblock magic. */
export const hasExtMagic = (bytes: Uint8Array) => bytes.length >= SUPERBLOCK_SIZE && u16le(bytes, 0x38) === EXT_MAGIC;

/**
 * Parses and validates the superblock, with the checks the kernel makes before mounting (so a
 * file system Linux refuses is refused here too) and the ones this reader needs to stay bounded.
 */
export function parseSuperblock(bytes: Uint8Array, deviceSize: number): Superblock {
  const revLevel = u32le(bytes, 0x4c);
  const compat = u32le(bytes, 0x5c);
  const incompat = u32le(bytes, 0x60);
  const roCompat = u32le(bytes, 0x64);

  const unknown = (incompat & ~SUPPORTED_INCOMPAT) >>> 0;
  if (incompat & INCOMPAT.JOURNAL_DEV) {
    throw extError("unsupported", "this is an external ext3/ext4 journal device, not a file system.");
  }
  if (unknown) throw extError("unsupported", `incompatible features this reader cannot read: ${incompatNames(unknown).join(", ")}.`);

  if (roCompat & RO_COMPAT.METADATA_CSUM) {
    if (u8(bytes, 0x175) !== 1) throw extError("unsupported", `unknown metadata checksum type ${u8(bytes, 0x175)}.`);
    const stored = u32le(bytes, 0x3fc);
    const computed = crc32cUpdate(0xffffffff, bytes, 0, 0x3fc);
    if (stored !== computed) {
      throw corrupt(`the superblock checksum is 0x${stored.toString(16)}, its contents give 0x${computed.toString(16)}.`);
    }
  }

  const logBlockSize = u32le(bytes, 0x18);
  if (logBlockSize > 6) throw corrupt(`the block size exponent ${logBlockSize} is out of range (1 KiB to 64 KiB).`);
  const blockSize = 1024 << logBlockSize;
  const bigalloc = (roCompat & RO_COMPAT.BIGALLOC) !== 0;
  const logClusterSize = u32le(bytes, 0x1c);
  if (bigalloc && (logClusterSize < logBlockSize || logClusterSize > 20)) {
    throw corrupt(`the cluster size exponent ${logClusterSize} does not fit the block size.`);
  }
  const clusterSize = bigalloc ? 1024 * 2 ** logClusterSize : blockSize;

  const is64 = (incompat & INCOMPAT.BIT64) !== 0;
  const blocksCount = hiLo(is64 ? u32le(bytes, 0x150) : 0, u32le(bytes, 0x4));
  const firstDataBlock = u32le(bytes, 0x14);
  const blocksPerGroup = u32le(bytes, 0x20);
  const clustersPerGroup = u32le(bytes, 0x24);
  const inodesPerGroup = u32le(bytes, 0x28);
  const inodesCount = u32le(bytes, 0x0);
  const inodeSize = revLevel === 0 ? 128 : u16le(bytes, 0x58);
  const firstIno = revLevel === 0 ? 11 : u32le(bytes, 0x54);

  if (inodeSize < 128 || !isPowerOfTwo(inodeSize) || inodeSize > blockSize) throw corrupt(`the inode size ${inodeSize} is invalid.`);
  if (firstIno < 11) throw corrupt(`the first non-reserved inode ${firstIno} is below 11.`);
  if (blocksPerGroup === 0 || (!bigalloc && blocksPerGroup > blockSize * 8)) {
    throw corrupt(`${blocksPerGroup} blocks per group do not fit one bitmap block.`);
  }
  if (bigalloc && (clustersPerGroup === 0 || clustersPerGroup > blockSize * 8)) {
    throw corrupt(`${clustersPerGroup} clusters per group do not fit one bitmap block.`);
  }
  if (inodesPerGroup < blockSize / inodeSize || inodesPerGroup > blockSize * 8) {
    throw corrupt(`${inodesPerGroup} inodes per group is out of range.`);
  }
  if (firstDataBlock > 1 || firstDataBlock >= blocksCount) throw corrupt(`the first data block ${firstDataBlock} is invalid.`);
  if (blocksCount > 2 ** 48) throw corrupt(`the block count ${blocksCount} is impossible.`);

  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  if (groupCount * inodesPerGroup !== inodesCount) {
    throw corrupt(`${inodesCount} inodes do not match ${groupCount} groups of ${inodesPerGroup}.`);
  }
  const descSize = is64 ? u16le(bytes, 0xfe) : 32;
  if (is64 && (descSize < 64 || descSize > 1024 || !isPowerOfTwo(descSize))) throw corrupt(`the group descriptor size ${descSize} is invalid.`);

  const descPerBlock = blockSize / descSize;
  const descBlocks = Math.ceil(groupCount / descPerBlock);
  const firstMetaBg = u32le(bytes, 0x104);
  if (incompat & INCOMPAT.META_BG && firstMetaBg > descBlocks) {
    throw corrupt(`the first meta block group ${firstMetaBg} is beyond the ${descBlocks} descriptor blocks.`);
  }
  const plainDescBlocks = incompat & INCOMPAT.META_BG ? firstMetaBg : descBlocks;
  if (Math.floor(SUPERBLOCK_OFFSET / blockSize) + 1 + plainDescBlocks > blocksCount) {
    throw corrupt("the group descriptors do not fit in the file system.");
  }

  const fsBytes = blocksCount * blockSize;
  if (fsBytes > deviceSize) {
    throw extError("truncated", `the file system is ${fsBytes} bytes (${blocksCount} blocks), but only ${deviceSize} bytes of it are present.`);
  }

  const hashSeed = [0, 1, 2, 3].map((i) => u32le(bytes, 0xec + 4 * i));
  return {
    blockSize,
    clusterSize,
    blocksCount,
    firstDataBlock,
    blocksPerGroup,
    inodesPerGroup,
    inodesCount,
    inodeSize,
    groupCount,
    descSize,
    firstMetaBg,
    compat,
    incompat,
    roCompat,
    backupGroups: [u32le(bytes, 0x24c), u32le(bytes, 0x250)],
    hashSeed,
    unsignedHash: (u32le(bytes, 0x160) & 0x2) !== 0,
    journalInode: compat & COMPAT.HAS_JOURNAL ? u32le(bytes, 0xe0) : 0,
    uuid: formatUuid(bytes.subarray(0x68, 0x78)),
    label: cString(bytes.subarray(0x78, 0x88)) || null,
    kind: kindOf(compat, incompat, roCompat),
  };
}

function formatUuid(bytes: Uint8Array): string | null {
  if (bytes.every((byte) => byte === 0)) return null;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * ext2, ext3 or ext4 the way blkid names them: a feature ext3 does not know makes it ext4, else a
 * journal makes it ext3, else it is ext2.
 */
function kindOf(compat: number, incompat: number, roCompat: number): FileSystemKind {
  const ext3Incompat = INCOMPAT.FILETYPE | INCOMPAT.RECOVER | INCOMPAT.META_BG;
  const ext3RoCompat = RO_COMPAT.SPARSE_SUPER | RO_COMPAT.LARGE_FILE | RO_COMPAT.BTREE_DIR;
  if (incompat & ~ext3Incompat || roCompat & ~ext3RoCompat) return "ext4";
  return compat & COMPAT.HAS_JOURNAL ? "ext3" : "ext2";
}

/** Whether block group `group` holds a backup superblock (and descriptors), per sparse_super(2). */
export function groupHasSuperblock(sb: Superblock, group: number): boolean {
  if (group === 0) return true;
  if (sb.compat & COMPAT.SPARSE_SUPER2) return group === sb.backupGroups[0] || group === sb.backupGroups[1];
  if (group <= 1 || !(sb.roCompat & RO_COMPAT.SPARSE_SUPER)) return true;
  if (group % 2 === 0) return false;
  return isPowerOf(group, 3) || isPowerOf(group, 5) || isPowerOf(group, 7);
}

function isPowerOf(n: number, base: number): boolean {
  let value = base;
  while (value < n) value *= base;
  return value === n;
}

/** The block holding the descriptors of `group` and the byte offset of its descriptor in it. */
export function descriptorLocation(sb: Superblock, group: number): { block: number; offset: number } {
  const perBlock = sb.blockSize / sb.descSize;
  const descBlock = Math.floor(group / perBlock);
  const offset = (group % perBlock) * sb.descSize;
  // The superblock's own block: 1 with 1 KiB blocks, 0 otherwise (where the GDT follows it).
  const superBlock = Math.floor(SUPERBLOCK_OFFSET / sb.blockSize);
  if (!(sb.incompat & INCOMPAT.META_BG) || descBlock < sb.firstMetaBg) return { block: superBlock + 1 + descBlock, offset };
  // meta_bg: each descriptor block sits in the first group of the meta group it describes, after
  // that group's backup superblock if it has one (and, on 1 KiB bigalloc, after block 0).
  const firstGroup = descBlock * perBlock;
  let block = sb.firstDataBlock + firstGroup * sb.blocksPerGroup;
  if (groupHasSuperblock(sb, firstGroup)) block += 1;
  if (sb.blockSize === 1024 && descBlock === 0 && sb.firstDataBlock === 0) block += 1;
  return { block, offset };
}
