import { InspectError } from "../../errors";
import { BigEndian, formatUuid } from "./bytes";
import { verifyChecksum } from "./checksum";

export const XFS_SB_MAGIC = 0x58465342; // "XFSB"

// sb_versionnum (the low nibble is the version; the rest are v4 feature bits).
const VERSION_NUMBITS = 0x000f;
const VERSION_SHAREDBIT = 0x0200;
const VERSION_DIRV2BIT = 0x2000;
const VERSION_BORGBIT = 0x4000; // ASCII case-insensitive names
const VERSION_MOREBITSBIT = 0x8000;

// sb_features2 on v4.
const VERSION2_LAZYSBCOUNT = 0x0002;
const VERSION2_ATTR2 = 0x0008;
const VERSION2_PROJID32 = 0x0080;
const VERSION2_FTYPE = 0x0200;
const VERSION2_OKBITS = VERSION2_LAZYSBCOUNT | VERSION2_ATTR2 | VERSION2_PROJID32 | VERSION2_FTYPE;

/** v5 incompatible features (sb_features_incompat). */
export const INCOMPAT = {
  FTYPE: 0x01,
  SPINODES: 0x02,
  META_UUID: 0x04,
  BIGTIME: 0x08,
  NEEDSREPAIR: 0x10,
  NREXT64: 0x20,
  EXCHRANGE: 0x40,
  PARENT: 0x80,
  METADIR: 0x100,
  ZONED: 0x200,
  ZONE_GAPS: 0x400,
} as const;

/**
 * Incompatible features this reader understands. The others change where
 * metadata lives (metadata directory tree, realtime groups, zoned devices);
 * they are refused rather than guessed at.
 */
const INCOMPAT_READABLE = INCOMPAT.FTYPE | INCOMPAT.SPINODES | INCOMPAT.META_UUID | INCOMPAT.BIGTIME | INCOMPAT.NREXT64 | INCOMPAT.EXCHRANGE | INCOMPAT.PARENT;

const INCOMPAT_NAMES: Record<number, string> = {
  [INCOMPAT.METADIR]: "metadir (metadata directory tree)",
  [INCOMPAT.ZONED]: "zoned (zoned realtime allocator)",
  [INCOMPAT.ZONE_GAPS]: "zone gaps",
};

export const MAX_SYMLINK_LENGTH = 1024;
const MIN_AG_BLOCKS = 64;

export interface Superblock {
  /** 4 (no metadata checksums) or 5 (CRCs, self-describing metadata). */
  version: 4 | 5;
  blockSize: number;
  blockLog: number;
  sectorSize: number;
  inodeSize: number;
  inodeLog: number;
  inodesPerBlockLog: number;
  agBlocks: number;
  agBlockLog: number;
  agCount: number;
  dataBlocks: number;
  /** log2 of the directory block size in file-system blocks. */
  dirBlockLog: number;
  rootIno: number;
  uuid: string;
  /** The UUID stamped into v5 metadata headers (sb_meta_uuid when the meta_uuid feature is set). */
  metaUuid: Uint8Array;
  label: string | null;
  /** Directory entries carry the file type. */
  hasFileType: boolean;
  /** Names compare ASCII case-insensitively (mkfs -n version=ci). */
  asciiCi: boolean;
  /** Inodes may use 64-bit data extent counters (per inode flag). */
  hasLargeExtentCounts: boolean;
  /** Inodes may use 64-bit nanosecond timestamps (per inode flag). */
  hasBigTime: boolean;
}

const isPowerOfTwo = (value: number) => value > 0 && (value & (value - 1)) === 0;

function corrupt(message: string): never {
  throw new InspectError("corrupt", `The XFS superblock is corrupt: ${message}.`);
}

function parseLabel(bytes: Uint8Array): string | null {
  const end = bytes.indexOf(0);
  const name = new TextDecoder("utf-8").decode(end < 0 ? bytes : bytes.subarray(0, end)).trim();
  return name === "" ? null : name;
}

/** True when the bytes start with the XFS superblock magic. */
export const hasXfsMagic = (bytes: Uint8Array): boolean => bytes.length >= 4 && new BigEndian(bytes).u32(0) === XFS_SB_MAGIC;

/** The sector size the superblock claims, to know how many bytes its checksum covers. */
export const claimedSectorSize = (bytes: Uint8Array): number => new BigEndian(bytes).u16(102);

/**
 * Parses and validates the primary superblock (the first sector of the
 * partition), following the kernel's xfs_validate_sb_common checks that matter
 * for reading. `bytes` holds at least one sector.
 */
export function parseSuperblock(bytes: Uint8Array): Superblock {
  const sb = new BigEndian(bytes);
  if (sb.u32(0) !== XFS_SB_MAGIC) corrupt("bad magic number");
  const versionNum = sb.u16(100);
  const version = versionNum & VERSION_NUMBITS;
  if (version !== 4 && version !== 5) {
    throw new InspectError("unsupported", `XFS superblock version ${version} is not supported (only versions 4 and 5 are).`);
  }
  const sectorSize = sb.u16(102);
  if (!isPowerOfTwo(sectorSize) || sectorSize < 512 || sectorSize > 32768 || 1 << sb.u8(121) !== sectorSize) corrupt(`sector size ${sectorSize}`);
  if (bytes.length < sectorSize) corrupt("the superblock sector is short");
  const features2 = sb.u32(200);
  let incompat = 0;
  if (version === 5) {
    verifyChecksum(bytes.subarray(0, sectorSize), 224, "superblock");
    incompat = sb.u32(216);
    if (incompat & INCOMPAT.NEEDSREPAIR) {
      throw new InspectError("corrupt", "The XFS file system is marked as needing xfs_repair; Linux refuses to mount it until it is repaired.");
    }
    const unknown = incompat & ~INCOMPAT_READABLE;
    if (unknown) {
      const named = Object.entries(INCOMPAT_NAMES)
        .filter(([bit]) => unknown & Number(bit))
        .map(([, name]) => name);
      const what = named.length > 0 ? named.join(", ") : `unknown feature bits 0x${unknown.toString(16)}`;
      throw new InspectError("unsupported", `The XFS file system uses incompatible features this reader does not handle: ${what}.`);
    }
  } else {
    if (!(versionNum & VERSION_DIRV2BIT)) throw new InspectError("unsupported", "XFS with version 1 directories (before 2003) is not supported.");
    if (versionNum & VERSION_SHAREDBIT || (versionNum & VERSION_MOREBITSBIT && features2 & ~VERSION2_OKBITS)) {
      throw new InspectError("unsupported", `The XFS v4 superblock has unknown feature bits (0x${versionNum.toString(16)}, 0x${features2.toString(16)}).`);
    }
  }

  const blockSize = sb.u32(4);
  const blockLog = sb.u8(120);
  if (!isPowerOfTwo(blockSize) || blockSize < (version === 5 ? 1024 : 512) || blockSize > 65536 || 1 << blockLog !== blockSize) {
    corrupt(`block size ${blockSize}`);
  }
  if (sectorSize > blockSize) corrupt(`sector size ${sectorSize} is larger than the block size ${blockSize}`);
  const inodeSize = sb.u16(104);
  const inodeLog = sb.u8(122);
  if (!isPowerOfTwo(inodeSize) || inodeSize < (version === 5 ? 512 : 256) || inodeSize > 2048 || 1 << inodeLog !== inodeSize) {
    corrupt(`inode size ${inodeSize}`);
  }
  if (inodeSize > blockSize) corrupt(`inode size ${inodeSize} is larger than the block size ${blockSize}`);
  const inodesPerBlockLog = sb.u8(123);
  if (sb.u16(106) !== blockSize / inodeSize || inodesPerBlockLog !== blockLog - inodeLog) corrupt("inodes per block");
  const agBlocks = sb.u32(84);
  const agBlockLog = sb.u8(124);
  if (agBlocks < MIN_AG_BLOCKS || agBlocks > 0x7fffffff || agBlockLog !== Math.ceil(Math.log2(agBlocks))) corrupt(`allocation group size ${agBlocks}`);
  const agCount = sb.u32(88);
  const dataBlocks = sb.safeU64(8, "block count");
  if (agCount < 1 || dataBlocks > agCount * agBlocks || dataBlocks <= (agCount - 1) * agBlocks) {
    corrupt(`${dataBlocks} blocks do not fit ${agCount} allocation groups of ${agBlocks}`);
  }
  const dirBlockLog = sb.u8(192);
  if (blockLog + dirBlockLog > 16) corrupt(`directory block size 2^${blockLog + dirBlockLog}`);
  if (sb.u8(126) !== 0) corrupt("mkfs did not finish (sb_inprogress is set)");
  const uuidBytes = sb.slice(32, 16);
  const metaUuid = version === 5 && incompat & INCOMPAT.META_UUID ? sb.slice(248, 16) : uuidBytes;

  return {
    version,
    blockSize,
    blockLog,
    sectorSize,
    inodeSize,
    inodeLog,
    inodesPerBlockLog,
    agBlocks,
    agBlockLog,
    agCount,
    dataBlocks,
    dirBlockLog,
    rootIno: sb.safeU64(56, "root inode number"),
    uuid: formatUuid(uuidBytes),
    metaUuid: Uint8Array.from(metaUuid),
    label: parseLabel(sb.slice(108, 12)),
    hasFileType: version === 5 ? (incompat & INCOMPAT.FTYPE) !== 0 : (versionNum & VERSION_MOREBITSBIT) !== 0 && (features2 & VERSION2_FTYPE) !== 0,
    asciiCi: (versionNum & VERSION_BORGBIT) !== 0,
    hasLargeExtentCounts: (incompat & INCOMPAT.NREXT64) !== 0,
    hasBigTime: (incompat & INCOMPAT.BIGTIME) !== 0,
  };
}
