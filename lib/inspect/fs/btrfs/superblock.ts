import { InspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import { blockVerifier } from "./checksums";
import {
  CSUM_TYPES,
  type CsumType,
  Fields,
  formatUuid,
  INCOMPAT_KNOWN,
  INCOMPAT_METADATA_UUID,
  INCOMPAT_NAMES,
  MAGIC,
  MAX_LEVEL,
  SUPERBLOCK_OFFSETS,
  SUPERBLOCK_SIZE,
} from "./structures";

export interface Superblock {
  /** Where this copy was read (the primary at 64 KiB or a mirror). */
  offset: number;
  fsid: Uint8Array;
  /** The fsid tree blocks carry: metadata_uuid when the METADATA_UUID feature is on. */
  metadataFsid: Uint8Array;
  uuid: string;
  label: string | null;
  generation: bigint;
  root: number;
  rootLevel: number;
  chunkRoot: number;
  chunkRootLevel: number;
  totalBytes: number;
  numDevices: bigint;
  sectorSize: number;
  nodeSize: number;
  csumType: CsumType;
  incompatFlags: bigint;
  devid: bigint;
  /** Bytes the device holds according to its dev_item. */
  deviceBytes: number;
  sysChunkArray: Uint8Array;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;
const decoder = new TextDecoder("utf-8");

/** Whether the 4 KiB at `offset` carry the btrfs magic. */
const hasMagic = (bytes: Uint8Array) => bytes.length >= 0x48 && decoder.decode(bytes.subarray(0x40, 0x48)) === MAGIC;

/**
 * Parses and checks one superblock copy. Returns a reason string when the copy
 * is unusable, so the caller can fall back to a mirror and report why.
 */
async function parseSuperblock(bytes: Uint8Array, offset: number): Promise<Superblock | string> {
  const f = new Fields(bytes, "superblock");
  const csumTypeCode = f.u16(0xc4);
  // u16, so never negative: at() only answers undefined past the known types.
  const csumType = CSUM_TYPES.at(csumTypeCode);
  if (csumType === undefined) return `unknown checksum type ${csumTypeCode}`;
  if (!(await blockVerifier(csumType))(bytes)) return "checksum mismatch";
  const bytenr = f.u64(0x30);
  if (bytenr !== BigInt(offset)) return `it says it lives at ${bytenr}, not ${offset}`;
  const sectorSize = f.u32(0x90);
  const nodeSize = f.u32(0x94);
  if (!isPowerOfTwo(sectorSize) || sectorSize < 4096 || sectorSize > 65536) return `invalid sector size ${sectorSize}`;
  if (!isPowerOfTwo(nodeSize) || nodeSize < sectorSize || nodeSize > 65536) return `invalid node size ${nodeSize}`;
  const sysChunkArraySize = f.u32(0xa0);
  if (sysChunkArraySize > 2048) return `system chunk array of ${sysChunkArraySize} bytes (at most 2048)`;
  const rootLevel = f.u8(0xc6);
  const chunkRootLevel = f.u8(0xc7);
  if (rootLevel >= MAX_LEVEL || chunkRootLevel >= MAX_LEVEL) return "tree level out of range";
  const numDevices = f.u64(0x88);
  if (numDevices === 0n) return "zero devices";
  const incompatFlags = f.u64(0xbc);
  const fsid = f.slice(0x20, 16);
  const labelBytes = f.slice(0x12b, 256);
  const labelEnd = labelBytes.indexOf(0);
  const label = decoder.decode(labelBytes.subarray(0, labelEnd < 0 ? 256 : labelEnd));
  return {
    offset,
    fsid,
    metadataFsid: incompatFlags & INCOMPAT_METADATA_UUID ? f.slice(0x23b, 16) : fsid,
    uuid: formatUuid(fsid),
    label: label === "" ? null : label,
    generation: f.u64(0x48),
    root: f.num(0x50, "root tree address"),
    rootLevel,
    chunkRoot: f.num(0x58, "chunk tree address"),
    chunkRootLevel,
    totalBytes: f.num(0x70, "size"),
    numDevices,
    sectorSize,
    nodeSize,
    csumType,
    incompatFlags,
    devid: f.u64(0xc9),
    deviceBytes: f.num(0xc9 + 8, "device size"),
    sysChunkArray: f.slice(0x32b, sysChunkArraySize),
  };
}

/**
 * The superblock to mount from: the primary at 64 KiB, or the first good
 * mirror (64 MiB, 256 GiB) when the primary is damaged. Null when the primary
 * has no btrfs magic: like blkid, a stale mirror alone (a partition reformatted
 * with another file system) does not make a btrfs.
 */
export async function readSuperblock(reader: RandomAccessReader): Promise<Superblock | null> {
  const primary = await reader.read(SUPERBLOCK_OFFSETS[0], SUPERBLOCK_SIZE);
  if (!hasMagic(primary)) return null;
  const problems: string[] = [];
  for (const offset of SUPERBLOCK_OFFSETS) {
    if (offset !== SUPERBLOCK_OFFSETS[0] && offset + SUPERBLOCK_SIZE > reader.size) break;
    const bytes = offset === SUPERBLOCK_OFFSETS[0] ? primary : await reader.read(offset, SUPERBLOCK_SIZE);
    if (bytes.length < SUPERBLOCK_SIZE)
      throw new InspectError("truncated", `The btrfs superblock at ${offset} is cut off: the partition is only ${reader.size} bytes.`);
    if (!hasMagic(bytes)) {
      problems.push(`the copy at ${offset} has no magic`);
      continue;
    }
    const parsed = await parseSuperblock(bytes, offset);
    if (typeof parsed !== "string") {
      checkFeatures(parsed);
      return parsed;
    }
    problems.push(`the copy at ${offset}: ${parsed}`);
  }
  throw new InspectError("corrupt", `The btrfs superblock is damaged and no mirror is usable (${problems.join("; ")}).`);
}

function checkFeatures(sb: Superblock): void {
  const unknown = sb.incompatFlags & ~INCOMPAT_KNOWN;
  if (unknown !== 0n) {
    const named = INCOMPAT_NAMES.filter(([bit]) => unknown & bit).map(([, name]) => name);
    throw new InspectError(
      "unsupported",
      `This btrfs uses features this reader does not handle (${named.length > 0 ? named.join(", ") : `incompat flags 0x${unknown.toString(16)}`}).`,
    );
  }
  if (sb.numDevices !== 1n) {
    throw new InspectError("unsupported", `This btrfs spans ${sb.numDevices} devices; only single-device btrfs file systems are inspected.`);
  }
}
