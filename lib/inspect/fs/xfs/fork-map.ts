import { InspectError } from "../../errors";
import { BigEndian, NULL_64 } from "./bytes";
import { ForkFormat, type XfsInode } from "./inode";
import { XfsVolume } from "./volume";

/** One mapping of the data fork: `length` file blocks from `fileBlock` live at `fsblock`. */
export interface Extent {
  fileBlock: number;
  fsblock: number;
  length: number;
  /** Preallocated but never written: reads as zeros. */
  unwritten: boolean;
}

/** A byte range of the volume. */
export interface Run {
  offset: number;
  length: number;
}

const BMAP_MAGIC = 0x424d4150; // "BMAP"
const BMAP_CRC_MAGIC = 0x424d4133; // "BMA3"
const BMBT_HEADER_V4 = 24;
const BMBT_HEADER_V5 = 72;
const BMBT_V5_LAYOUT = { blkno: 24, uuid: 40, owner: 56, crc: 64 };
const BMDR_HEADER = 4;
/** The kernel's bound is 9 levels even with 64-bit extent counters; anything deeper is corrupt. */
const MAX_BMBT_LEVELS = 9;

/** Decodes a packed 128-bit extent record (xfs_bmbt_rec): flag:1, startoff:54, startblock:52, blockcount:21. */
export function decodeExtent(view: BigEndian, offset: number): Extent {
  const hi0 = view.u32(offset);
  const lo0 = view.u32(offset + 4);
  const hi1 = view.u32(offset + 8);
  const lo1 = view.u32(offset + 12);
  return {
    unwritten: hi0 >>> 31 === 1,
    fileBlock: (hi0 & 0x7fffffff) * 2 ** 23 + (lo0 >>> 9),
    fsblock: (lo0 & 0x1ff) * 2 ** 43 + hi1 * 2 ** 11 + (lo1 >>> 21),
    length: lo1 & 0x1fffff,
  };
}

interface BtreeBlock {
  view: BigEndian;
  level: number;
  count: number;
  /** Offset of the first key (nodes) or record (leaves). */
  first: number;
  /** Offset of the first child pointer (nodes). */
  pointers: number;
}

/**
 * The data fork of one inode as a sorted sequence of extents, whether the
 * inode lists them itself or through a B+tree (bmbt). Every step checks order
 * and bounds, so a hostile map can neither loop nor point outside the volume.
 */
export class ForkMap {
  constructor(
    private readonly volume: XfsVolume,
    private readonly inode: XfsInode,
  ) {}

  private corrupt(why: string): never {
    throw new InspectError("corrupt", `The block map of XFS inode ${this.inode.ino} is corrupt: ${why}.`);
  }

  /** The extents that end after `fileBlock`, in file order. */
  async *from(fileBlock: number): AsyncGenerator<Extent> {
    let previousEnd = 0;
    for await (const extent of this.inode.format === ForkFormat.Btree ? this.btreeFrom(fileBlock) : this.listFrom()) {
      if (extent.length === 0) this.corrupt("an extent of zero blocks");
      if (extent.fileBlock < previousEnd) this.corrupt("extents overlap or are out of order");
      previousEnd = extent.fileBlock + extent.length;
      this.volume.blockOffset(extent.fsblock, extent.length);
      if (previousEnd > fileBlock) yield extent;
    }
  }

  /** The file block just past the last mapped one (0 for an empty fork). */
  async lastBlock(): Promise<number> {
    if (this.inode.format !== ForkFormat.Btree) {
      const count = this.inode.format === ForkFormat.Extents ? this.inode.extentCount : 0;
      if (count === 0) return 0;
      const last = decodeExtent(new BigEndian(this.inode.dataFork), (count - 1) * 16);
      return last.fileBlock + last.length;
    }
    let block = this.root();
    while (block.level > 0) block = await this.child(block, block.count - 1);
    const last = decodeExtent(block.view, block.first + (block.count - 1) * 16);
    return last.fileBlock + last.length;
  }

  /**
   * The volume byte runs holding file blocks [fileBlock, fileBlock + count),
   * for metadata that must be fully written (directory and symlink blocks).
   */
  async runs(fileBlock: number, count: number, what: string): Promise<Run[]> {
    const { blockSize } = this.volume.sb;
    const runs: Run[] = [];
    let next = fileBlock;
    const end = fileBlock + count;
    for await (const extent of this.from(fileBlock)) {
      if (next >= end) break;
      if (extent.fileBlock > next) break;
      if (extent.unwritten) this.corrupt(`the ${what} is an unwritten extent`);
      const take = Math.min(end, extent.fileBlock + extent.length) - next;
      const offset = this.volume.blockOffset(extent.fsblock) + (next - extent.fileBlock) * blockSize;
      const previous = runs.at(-1);
      if (previous && previous.offset + previous.length === offset) previous.length += take * blockSize;
      else runs.push({ offset, length: take * blockSize });
      next += take;
    }
    if (next < end) this.corrupt(`the ${what} (file block ${next}) is not mapped`);
    return runs;
  }

  /** `length` bytes from byte `offset` of the fork; holes and unwritten extents read as zeros. */
  async readBytes(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    const { blockSize } = this.volume.sb;
    const end = offset + length;
    for await (const extent of this.from(Math.floor(offset / blockSize))) {
      const start = extent.fileBlock * blockSize;
      if (start >= end) break;
      if (extent.unwritten) continue;
      const from = Math.max(offset, start);
      const to = Math.min(end, start + extent.length * blockSize);
      if (to <= from) continue;
      const bytes = await this.volume.read(this.volume.blockOffset(extent.fsblock) + (from - start), to - from, `data of inode ${this.inode.ino}`);
      out.set(bytes, from - offset);
    }
    return out;
  }

  private *listFrom(): Generator<Extent> {
    const view = new BigEndian(this.inode.dataFork);
    const count = this.inode.format === ForkFormat.Extents ? this.inode.extentCount : 0;
    for (let i = 0; i < count; i++) yield decodeExtent(view, i * 16);
  }

  private async *btreeFrom(fileBlock: number): AsyncGenerator<Extent> {
    let block = this.root();
    while (block.level > 0) block = await this.child(block, this.pick(block, fileBlock));
    for (;;) {
      for (let i = 0; i < block.count; i++) yield decodeExtent(block.view, block.first + i * 16);
      const right = block.view.u64(16);
      if (right === NULL_64) return;
      block = await this.load(right, 0);
    }
  }

  /** The B+tree root stored in the inode (xfs_bmdr_block). */
  private root(): BtreeBlock {
    const view = new BigEndian(this.inode.dataFork);
    const level = view.u16(0);
    const count = view.u16(2);
    const capacity = Math.floor((view.length - BMDR_HEADER) / 16);
    if (level < 1 || level > MAX_BMBT_LEVELS) this.corrupt(`B+tree root level ${level}`);
    if (count < 1 || count > capacity) this.corrupt(`${count} entries in a B+tree root holding ${capacity}`);
    return { view, level, count, first: BMDR_HEADER, pointers: BMDR_HEADER + capacity * 8 };
  }

  /** The index of the last key not above `fileBlock` (keys must ascend). */
  private pick(block: BtreeBlock, fileBlock: number): number {
    let chosen = 0;
    let previous = -1;
    for (let i = 0; i < block.count; i++) {
      const key = block.view.safeU64(block.first + i * 8, "B+tree key");
      if (key <= previous) this.corrupt("B+tree keys out of order");
      previous = key;
      if (key <= fileBlock) chosen = i;
    }
    return chosen;
  }

  private child(block: BtreeBlock, index: number): Promise<BtreeBlock> {
    return this.load(block.view.u64(block.pointers + index * 8), block.level - 1);
  }

  private async load(pointer: bigint, level: number): Promise<BtreeBlock> {
    const { volume, inode } = this;
    const { blockSize } = volume.sb;
    if (pointer > BigInt(Number.MAX_SAFE_INTEGER)) this.corrupt(`B+tree pointer ${pointer}`);
    const offset = volume.blockOffset(Number(pointer));
    const header = volume.isV5 ? BMBT_HEADER_V5 : BMBT_HEADER_V4;
    const bytes = await volume.metadataBlock(`bmbt:${inode.ino}`, [{ offset, length: blockSize }], (data) => {
      const magic = new BigEndian(data).u32(0);
      if (magic !== (volume.isV5 ? BMAP_CRC_MAGIC : BMAP_MAGIC)) this.corrupt(`bad B+tree block magic 0x${magic.toString(16)}`);
      if (volume.isV5) volume.verifyV5Header(data, BMBT_V5_LAYOUT, offset, inode.ino, `B+tree block of inode ${inode.ino}`);
    });
    const view = new BigEndian(bytes);
    const capacity = Math.floor((blockSize - header) / 16);
    const count = view.u16(6);
    if (view.u16(4) !== level) this.corrupt(`a B+tree block at level ${view.u16(4)} where level ${level} belongs`);
    if (count < 1 || count > capacity) this.corrupt(`${count} entries in a B+tree block holding ${capacity}`);
    return { view, level, count, first: header, pointers: header + capacity * 8 };
  }
}
