import { latin1, u32be, u64be, u8 } from "../../binary";
import { InspectError } from "../../errors";
import type { ByteSource } from "../../source";

/** docs/interop/qcow2.txt, "Header". */
export const MIN_CLUSTER_BITS = 9;
export const MAX_CLUSTER_BITS = 21;
/** qemu's limits (block/qcow2.h): QCOW_MAX_L1_SIZE, QCOW_MAX_REFTABLE_SIZE, QCOW_MAX_SNAPSHOTS. */
export const MAX_L1_BYTES = 32 * 1024 * 1024;
export const MAX_REFTABLE_BYTES = 8 * 1024 * 1024;
export const MAX_SNAPSHOTS = 65536;
/** Longest backing file name the spec allows. */
export const MAX_BACKING_NAME = 1023;
/** Real images have a handful of header extensions; a hostile one gets this many. */
const MAX_EXTENSIONS = 512;

export const INCOMPAT = { dirty: 0, corrupt: 1, dataFile: 2, compression: 3, extendedL2: 4 } as const;
/** Bits 0-4 are the incompatible features qcow2.txt defines. */
export const KNOWN_INCOMPAT_BITS = 5;

const EXT_END = 0x00000000;
const EXT_BACKING_FORMAT = 0xe2792aca;
const EXT_FEATURE_TABLE = 0x6803f857;
const EXT_ENCRYPTION = 0x0537be77;
const EXT_DATA_FILE = 0x44415441;
const EXT_BITMAPS = 0x23852875;
/** qemu's bounds on header extensions (block/qcow2.c, qcow2.h): backing format names, bitmaps. */
const MAX_BACKING_FORMAT = 15;
const BITMAPS_EXT_BYTES = 24;
const MAX_BITMAPS = 65535;
const MAX_BITMAP_DIRECTORY = 64 * 1024 * 1024;

export const AUTOCLEAR = { bitmaps: 0, dataFileRaw: 1 } as const;

/** A 64-bit feature bitmap as two 32-bit halves. */
export interface Bits64 {
  lo: number;
  hi: number;
}

export const hasBit = (bits: Bits64, bit: number): boolean => (bit < 32 ? (bits.lo >>> bit) & 1 : (bits.hi >>> (bit - 32)) & 1) === 1;

export function setBits(bits: Bits64): number[] {
  const out: number[] = [];
  for (let bit = 0; bit < 64; bit++) if (hasBit(bits, bit)) out.push(bit);
  return out;
}

export interface Qcow2Header {
  version: number;
  backingFileOffset: number;
  backingFileSize: number;
  clusterBits: number;
  clusterSize: number;
  /** Virtual disk size in bytes (inexact above 2^53, which no check lets through). */
  size: number;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  nbSnapshots: number;
  snapshotsOffset: number;
  incompatible: Bits64;
  compatible: Bits64;
  autoclear: Bits64;
  refcountOrder: number;
  headerLength: number;
  compressionType: number;
  /** Header extensions. */
  backingFormat?: string;
  dataFileName?: string;
  encryptionHeader: boolean;
  /** Feature names from the feature name table, keyed "incompatible:5". */
  featureNames: Map<string, string>;
  /** The backing file name, when the header names one and it can be read. */
  backingFile?: string;
  /** Header extensions qemu refuses to open the image for. */
  badExtensions: string[];
}

export const extendedL2 = (h: Qcow2Header): boolean => hasBit(h.incompatible, INCOMPAT.extendedL2);
export const externalData = (h: Qcow2Header): boolean => hasBit(h.incompatible, INCOMPAT.dataFile);
/** Bytes per L2 entry: 8, or 16 with extended L2 entries. */
export const l2EntryBytes = (h: Qcow2Header): number => (extendedL2(h) ? 16 : 8);
export const l2Entries = (h: Qcow2Header): number => h.clusterSize / l2EntryBytes(h);
/** Guest bytes one L1 entry covers. */
export const l1Coverage = (h: Qcow2Header): number => h.clusterSize * l2Entries(h);
/** L1 entries the virtual size needs (qemu's l1_vm_state_index). */
export const l1Needed = (h: Qcow2Header): number => Math.ceil(h.size / l1Coverage(h));

const bits64 = (b: Uint8Array, o: number): Bits64 => ({ hi: u32be(b, o), lo: u32be(b, o + 4) });

/**
 * Reads the header and its extensions. Throws InspectError only when the
 * header cannot be interpreted at all (truncated, cluster size or header
 * length out of range, an unsupported version); everything else is left for
 * the checks to judge.
 */
export async function readQcow2Header(src: ByteSource): Promise<Qcow2Header> {
  const fixed = await src.exact(0, 72, "QCOW2 header");
  const version = u32be(fixed, 4);
  if (version !== 2 && version !== 3) {
    throw new InspectError("unsupported", `QCOW2 version ${version} is not one qemu knows (2 or 3).`);
  }
  const clusterBits = u32be(fixed, 20);
  if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
    throw new InspectError("corrupt", `The QCOW2 cluster size 2^${clusterBits} is outside what qemu opens (512 bytes to 2 MiB).`);
  }
  const clusterSize = 2 ** clusterBits;
  const header: Qcow2Header = {
    version,
    backingFileOffset: u64be(fixed, 8),
    backingFileSize: u32be(fixed, 16),
    clusterBits,
    clusterSize,
    size: u64be(fixed, 24),
    cryptMethod: u32be(fixed, 32),
    l1Size: u32be(fixed, 36),
    l1TableOffset: u64be(fixed, 40),
    refcountTableOffset: u64be(fixed, 48),
    refcountTableClusters: u32be(fixed, 56),
    nbSnapshots: u32be(fixed, 60),
    snapshotsOffset: u64be(fixed, 64),
    incompatible: { lo: 0, hi: 0 },
    compatible: { lo: 0, hi: 0 },
    autoclear: { lo: 0, hi: 0 },
    refcountOrder: 4,
    headerLength: 72,
    compressionType: 0,
    encryptionHeader: false,
    featureNames: new Map(),
    badExtensions: [],
  };
  if (version === 3) {
    const v3 = await src.exact(0, 104, "QCOW2 version 3 header");
    header.incompatible = bits64(v3, 72);
    header.compatible = bits64(v3, 80);
    header.autoclear = bits64(v3, 88);
    header.refcountOrder = u32be(v3, 96);
    header.headerLength = u32be(v3, 100);
    if (header.headerLength < 104) throw new InspectError("corrupt", `The QCOW2 header length ${header.headerLength} is shorter than version 3's 104 bytes.`);
    if (header.headerLength > clusterSize) throw new InspectError("corrupt", "The QCOW2 header is longer than its first cluster.");
    if (header.headerLength > 104) header.compressionType = u8(await src.exact(104, 1, "QCOW2 header"), 0);
  }
  await readExtensions(src, header);
  if (header.backingFileOffset !== 0) header.backingFile = await readBackingName(src, header);
  return header;
}

/** qcow2_read_extensions(): from the end of the header to the backing file name or the end of the first cluster. */
async function readExtensions(src: ByteSource, h: Qcow2Header): Promise<void> {
  const end = h.backingFileOffset > 0 && h.backingFileOffset < h.clusterSize ? h.backingFileOffset : h.clusterSize;
  let offset = h.headerLength;
  for (let count = 0; offset < end; count++) {
    if (count >= MAX_EXTENSIONS) throw new InspectError("limit", `The QCOW2 header has more than ${MAX_EXTENSIONS} extensions.`);
    // Past the end of the file qemu reads zeros, an end-of-extensions marker.
    const ext = new Uint8Array(8);
    ext.set(await src.read(offset, 8));
    const type = u32be(ext, 0);
    const length = u32be(ext, 4);
    const dataStart = offset + 8;
    if (dataStart > end || length > end - dataStart) {
      throw new InspectError(
        "corrupt",
        `A QCOW2 header extension (type 0x${type.toString(16)}) runs past the end of the header cluster; qemu refuses the image.`,
      );
    }
    if (type === EXT_END) return;
    const data = await src.exact(dataStart, length, "QCOW2 header extension");
    if (type === EXT_BACKING_FORMAT) {
      h.backingFormat = latin1(data);
      if (length > MAX_BACKING_FORMAT) h.badExtensions.push(`a backing format name of ${length} bytes (at most ${MAX_BACKING_FORMAT})`);
    } else if (type === EXT_DATA_FILE) h.dataFileName = latin1(data);
    else if (type === EXT_ENCRYPTION) h.encryptionHeader = true;
    else if (type === EXT_FEATURE_TABLE) readFeatureNames(data, h.featureNames);
    else if (type === EXT_BITMAPS) h.badExtensions.push(...bitmapsProblems(data, h));
    offset = dataStart + Math.ceil(length / 8) * 8;
  }
}

/** What qemu refuses in a bitmaps extension; its fields count only while the bitmaps autoclear bit is set. */
function bitmapsProblems(data: Uint8Array, h: Qcow2Header): string[] {
  if (data.length !== BITMAPS_EXT_BYTES) return [`a bitmaps extension of ${data.length} bytes (not ${BITMAPS_EXT_BYTES})`];
  if (!hasBit(h.autoclear, AUTOCLEAR.bitmaps)) return [];
  const count = u32be(data, 0);
  const problems: string[] = [];
  if (u32be(data, 4) !== 0) problems.push("a bitmaps extension with its reserved field set");
  if (count === 0 || count > MAX_BITMAPS) problems.push(`${count} persistent bitmaps (1 to ${MAX_BITMAPS})`);
  if (u64be(data, 16) % h.clusterSize !== 0) problems.push("a bitmap directory that is not cluster-aligned");
  if (u64be(data, 8) > MAX_BITMAP_DIRECTORY) problems.push(`a bitmap directory of ${u64be(data, 8)} bytes`);
  return problems;
}

function readFeatureNames(data: Uint8Array, names: Map<string, string>): void {
  const kinds = ["incompatible", "compatible", "autoclear"];
  for (let at = 0; at + 48 <= data.length; at += 48) {
    const kind = kinds[data[at]];
    if (!kind) continue;
    const raw = data.subarray(at + 2, at + 48);
    const nul = raw.indexOf(0);
    names.set(`${kind}:${data[at + 1]}`, latin1(nul < 0 ? raw : raw.subarray(0, nul)).replace(/[^\x20-\x7e]/g, "?"));
  }
}

async function readBackingName(src: ByteSource, h: Qcow2Header): Promise<string> {
  const length = Math.min(h.backingFileSize, MAX_BACKING_NAME);
  const bytes = await src.read(h.backingFileOffset, length);
  return latin1(bytes).replace(/[^\x20-\x7e]/g, "?");
}
