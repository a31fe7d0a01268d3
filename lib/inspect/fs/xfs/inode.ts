import { InspectError } from "../../errors";
import type { FileType } from "../file-system";
import { BigEndian, equalBytes } from "./bytes";
import { verifyChecksum } from "./checksum";
import type { XfsVolume } from "./volume";

const INODE_MAGIC = 0x494e; // "IN"

/** di_format: how a fork stores its data. */
export const ForkFormat = { Device: 0, Local: 1, Extents: 2, Btree: 3 } as const;
export type ForkFormat = (typeof ForkFormat)[keyof typeof ForkFormat];

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const SPECIAL_TYPES = new Set([0o010000, 0o020000, 0o060000, 0o140000]); // fifo, chr, blk, sock

const DIFLAG_REALTIME = 0x1;
const DIFLAG2_BIGTIME = 1n << 3n;
const DIFLAG2_NREXT64 = 1n << 4n;

/** Bytes of the inode core before the data fork: v1/v2 inodes, v3 inodes. */
const CORE_V2 = 100;
const CORE_V3 = 176;
const V3_CRC_OFFSET = 100;

/** Bigtime counts nanoseconds from the most negative 32-bit second. */
const BIGTIME_EPOCH_OFFSET = 2n ** 31n;

export interface XfsInode {
  ino: number;
  type: FileType;
  /** Permission bits (07777). */
  permissions: number;
  format: ForkFormat;
  size: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Data lives on the realtime device, which this reader does not map. */
  realtime: boolean;
  /** Number of data-fork extents the inode claims. */
  extentCount: number;
  /** The data fork's literal area inside the inode (extent list, B+tree root or inline data). */
  dataFork: Uint8Array;
}

function fileType(mode: number): FileType {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return "directory";
    case S_IFREG:
      return "file";
    case S_IFLNK:
      return "symlink";
    default:
      return "other";
  }
}

function timestampSeconds(core: BigEndian, offset: number, bigTime: boolean): number {
  if (bigTime) return Number(core.u64(offset) / 1_000_000_000n - BIGTIME_EPOCH_OFFSET);
  return core.u32(offset) | 0;
}

/**
 * Decodes and validates an on-disk inode (xfs_dinode), following the kernel's
 * xfs_dinode_verify where it matters for reading.
 */
export function parseInode(volume: XfsVolume, ino: number, bytes: Uint8Array): XfsInode {
  const { sb } = volume;
  const core = new BigEndian(bytes);
  const fail = (why: string): never => {
    throw new InspectError("corrupt", `XFS inode ${ino} is corrupt: ${why}.`);
  };
  if (core.u16(0) !== INODE_MAGIC) fail("bad magic number");
  const version = core.u8(4);
  if (volume.isV5 ? version !== 3 : version !== 1 && version !== 2) fail(`inode version ${version} on a v${sb.version} file system`);
  if (version === 3) {
    verifyChecksum(bytes, V3_CRC_OFFSET, `inode ${ino}`);
    if (core.u64(152) !== BigInt(ino)) fail(`it records inode number ${core.u64(152)}`);
    if (!equalBytes(core.slice(160, 16), sb.metaUuid)) fail("it belongs to another file system");
  }
  const mode = core.u16(2);
  if (mode === 0) fail("a directory entry points to a free inode");
  const type = fileType(mode);
  if (type === "other" && !SPECIAL_TYPES.has(mode & S_IFMT)) fail(`unknown file type 0${(mode & S_IFMT).toString(8)}`);

  const flags2 = version === 3 ? core.u64(120) : 0n;
  const largeExtentCounts = sb.hasLargeExtentCounts && (flags2 & DIFLAG2_NREXT64) !== 0n;
  const bigTime = sb.hasBigTime && (flags2 & DIFLAG2_BIGTIME) !== 0n;
  const extentCount = largeExtentCounts ? core.safeU64(24, `extent count of inode ${ino}`) : core.u32(76);

  const sizeField = core.u64(56);
  if (sizeField >= 2n ** 63n) fail("negative size");
  const size = core.safeU64(56, `size of inode ${ino}`);

  const coreSize = version === 3 ? CORE_V3 : CORE_V2;
  const literal = sb.inodeSize - coreSize;
  const forkOffset = core.u8(82) * 8;
  if (forkOffset >= literal) fail(`attribute fork offset ${forkOffset} beyond the inode`);
  const dataForkSize = forkOffset === 0 ? literal : forkOffset;

  const format = core.u8(5) as ForkFormat;
  const formats: ForkFormat[] =
    type === "file"
      ? [ForkFormat.Extents, ForkFormat.Btree]
      : type === "directory" || type === "symlink"
        ? [ForkFormat.Local, ForkFormat.Extents, ForkFormat.Btree]
        : [ForkFormat.Device];
  if (!formats.includes(format)) fail(`data fork format ${format} is not valid for a ${type}`);
  if (format === ForkFormat.Local && size > dataForkSize) fail(`${size} bytes of inline data in a ${dataForkSize}-byte fork`);
  if (format === ForkFormat.Extents && extentCount * 16 > dataForkSize) fail(`${extentCount} extents in a ${dataForkSize}-byte fork`);

  return {
    ino,
    type,
    permissions: mode & 0o7777,
    format,
    size,
    uid: core.u32(8),
    gid: core.u32(12),
    mtime: timestampSeconds(core, 40, bigTime),
    realtime: (core.u16(90) & DIFLAG_REALTIME) !== 0,
    extentCount,
    dataFork: Uint8Array.from(core.slice(coreSize, dataForkSize)),
  };
}
