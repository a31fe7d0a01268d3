import { InspectError } from "../../errors";
import { BigEndian } from "./bytes";
import { addressesFor, dataEntries, dataEntryAt, isDotOrDotDot, parseShortForm, type DirRecord, type HashIndex } from "./dir-entries";
import { directoryHash, namesMatch } from "./dir-hash";
import { ForkMap } from "./fork-map";
import { ForkFormat, type XfsInode } from "./inode";
import type { HeaderLayout, XfsVolume } from "./volume";

const MAGIC = {
  blockV4: 0x58443242, // XD2B
  blockV5: 0x58444233, // XDB3
  dataV4: 0x58443244, // XD2D
  dataV5: 0x58444433, // XDD3
  leaf1V4: 0xd2f1,
  leaf1V5: 0x3df1,
  leafnV4: 0xd2ff,
  leafnV5: 0x3dff,
  nodeV4: 0xfebe,
  nodeV5: 0x3ebe,
} as const;

/** Directory byte space: data blocks below 32 GiB, the hash index (leaf or node blocks) from 32 GiB, free-space index from 64 GiB. */
const LEAF_SPACE_OFFSET = 2 ** 35;
const FREE_SPACE_OFFSET = 2 ** 36;

const DATA_HEADER = { v4: 16, v5: 64 };
const DA_HEADER = { v4: 16, v5: 64 };
const DATA_V5_LAYOUT: HeaderLayout = { crc: 4, blkno: 8, uuid: 24, owner: 40 };
const DA_V5_LAYOUT: HeaderLayout = { crc: 12, blkno: 16, uuid: 32, owner: 48 };
const BLOCK_TAIL = 8;
const LEAF_TAIL = 4;
/** XFS_DA_NODE_MAXDEPTH */
const MAX_DA_DEPTH = 5;
/** Leaves a run of equal hashes may continue into before the lookup gives up. */
const MAX_LEAF_HOPS = 64;
/** Bounds on one readdir of a hostile directory. */
export const MAX_DIRECTORY_ENTRIES = 1_000_000;
const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

type DataMagic = "block" | "data";

/**
 * A directory in block, leaf or node form (or short form, inline in the inode).
 * Listing walks the data blocks; lookup goes through the hash index (the leaf
 * at the end of a block, the single leaf block, or the da B+tree of a node
 * directory), so finding one name in a large directory reads a few blocks.
 */
export class XfsDirectory {
  private readonly map: ForkMap;
  private readonly blockBytes: number;
  private readonly fsbPerBlock: number;
  private readonly leafBlock: number;
  private readonly freeBlock: number;
  private readonly where: string;

  constructor(
    private readonly volume: XfsVolume,
    private readonly inode: XfsInode,
  ) {
    const { sb } = volume;
    this.map = new ForkMap(volume, inode);
    this.fsbPerBlock = 2 ** sb.dirBlockLog;
    this.blockBytes = sb.blockSize * this.fsbPerBlock;
    this.leafBlock = LEAF_SPACE_OFFSET / sb.blockSize;
    this.freeBlock = FREE_SPACE_OFFSET / sb.blockSize;
    this.where = `inode ${inode.ino}`;
  }

  private corrupt(why: string): never {
    throw new InspectError("corrupt", `The XFS directory inode ${this.inode.ino} is corrupt: ${why}.`);
  }

  private get v5(): boolean {
    return this.volume.isV5;
  }

  /** Every entry but "." and "..". */
  async entries(): Promise<DirRecord[]> {
    if (this.inode.format === ForkFormat.Local) return this.shortForm().entries;
    if (await this.isBlockForm()) {
      const { block, end } = await this.blockForm();
      return dataEntries(block, this.dataHeader, end, this.volume.sb.hasFileType, this.where).filter((entry) => !isDotOrDotDot(entry.name));
    }
    const records: DirRecord[] = [];
    let next = 0;
    let bytes = 0;
    for await (const extent of this.map.from(0)) {
      if (extent.fileBlock >= this.leafBlock) break;
      const end = Math.min(extent.fileBlock + extent.length, this.leafBlock);
      let fileBlock = Math.max(next, extent.fileBlock - (extent.fileBlock % this.fsbPerBlock));
      for (; fileBlock < end; fileBlock += this.fsbPerBlock) {
        bytes += this.blockBytes;
        if (bytes > MAX_DIRECTORY_BYTES)
          throw new InspectError("limit", `The XFS directory inode ${this.inode.ino} holds more than ${MAX_DIRECTORY_BYTES} bytes of entries.`);
        const block = await this.dataBlock(fileBlock, "data");
        for (const record of dataEntries(block, this.dataHeader, this.blockBytes, this.volume.sb.hasFileType, this.where)) {
          if (isDotOrDotDot(record.name)) continue;
          if (records.length >= MAX_DIRECTORY_ENTRIES)
            throw new InspectError("limit", `The XFS directory inode ${this.inode.ino} has more than ${MAX_DIRECTORY_ENTRIES} entries.`);
          records.push(record);
        }
      }
      next = fileBlock;
    }
    return records;
  }

  /** The inode number of entry `name`, or null. */
  async lookup(name: Uint8Array): Promise<number | null> {
    const { asciiCi } = this.volume.sb;
    if (this.inode.format === ForkFormat.Local) {
      const { parent, entries } = this.shortForm();
      if (isDotOrDotDot(name)) return name.length === 1 ? this.inode.ino : parent;
      return entries.find((entry) => namesMatch(entry.name, name, asciiCi))?.ino ?? null;
    }
    const hash = directoryHash(name, asciiCi);
    if (await this.isBlockForm()) {
      const { block, end } = await this.blockForm();
      const count = (this.blockBytes - BLOCK_TAIL - end) / 8;
      return this.match(addressesFor({ view: new BigEndian(block), start: end, count }, hash).addresses, name, { block, end });
    }
    let index = await this.daBlock(this.leafBlock);
    if (index.kind === "leaf1") return this.match(addressesFor(index.entries, hash).addresses, name);
    for (let depth = 0; index.kind === "node"; depth++) {
      if (depth >= MAX_DA_DEPTH) this.corrupt("the hash index is too deep");
      const child = this.childFor(index.entries, hash);
      const next = await this.daBlock(child);
      if (next.level !== index.level - 1) this.corrupt(`a hash index block at level ${next.level} below level ${index.level}`);
      index = next;
    }
    for (let hops = 0; ; hops++) {
      const { addresses, runsToEnd } = addressesFor(index.entries, hash);
      const found = await this.match(addresses, name);
      if (found !== null || !runsToEnd || index.forward === 0) return found;
      if (hops >= MAX_LEAF_HOPS)
        throw new InspectError("limit", `More than ${MAX_LEAF_HOPS} leaf blocks of XFS directory inode ${this.inode.ino} share one name hash.`);
      const next = await this.daBlock(index.forward);
      if (next.kind !== "leafn") this.corrupt("a leaf points to a block that is not a leaf");
      index = next;
    }
  }

  private shortForm() {
    return parseShortForm(this.inode.dataFork.subarray(0, this.inode.size), this.volume.sb.hasFileType, this.where);
  }

  private get dataHeader(): number {
    return this.v5 ? DATA_HEADER.v5 : DATA_HEADER.v4;
  }

  /** Single-block directories end at one directory block (as the kernel's xfs_dir2_isblock decides). */
  private async isBlockForm(): Promise<boolean> {
    if ((await this.map.lastBlock()) !== this.fsbPerBlock) return false;
    if (this.inode.size !== this.blockBytes) this.corrupt(`a single-block directory of ${this.inode.size} bytes`);
    return true;
  }

  /** The block of a block-form directory, and where its data region ends (its hash index follows). */
  private async blockForm(): Promise<{ block: Uint8Array; end: number }> {
    const block = await this.dataBlock(0, "block");
    const count = new BigEndian(block).u32(this.blockBytes - BLOCK_TAIL);
    const end = this.blockBytes - BLOCK_TAIL - count * 8;
    if (count > this.blockBytes / 8 || end < this.dataHeader) this.corrupt(`a block with ${count} hash entries`);
    return { block, end };
  }

  private async dataBlock(fileBlock: number, kind: DataMagic): Promise<Uint8Array> {
    const runs = await this.map.runs(fileBlock, this.fsbPerBlock, "directory block");
    const expected = kind === "block" ? (this.v5 ? MAGIC.blockV5 : MAGIC.blockV4) : this.v5 ? MAGIC.dataV5 : MAGIC.dataV4;
    return this.volume.metadataBlock(`dir-${kind}:${this.inode.ino}`, runs, (bytes) => {
      const magic = new BigEndian(bytes).u32(0);
      if (magic !== expected) this.corrupt(`a ${kind} block with magic 0x${magic.toString(16)}`);
      if (this.v5) this.volume.verifyV5Header(bytes, DATA_V5_LAYOUT, runs[0].offset, this.inode.ino, `directory block of inode ${this.inode.ino}`);
    });
  }

  /** A block of the hash index: a single leaf (leaf form), or a node or leaf of the da B+tree (node form). */
  private async daBlock(
    fileBlock: number,
  ): Promise<
    { kind: "leaf1" | "leafn"; level: 0; forward: number; entries: HashIndex } | { kind: "node"; level: number; forward: number; entries: HashIndex }
  > {
    if (fileBlock < this.leafBlock || fileBlock >= this.freeBlock || fileBlock % this.fsbPerBlock !== 0) {
      this.corrupt(`a hash index pointer to file block ${fileBlock}`);
    }
    const runs = await this.map.runs(fileBlock, this.fsbPerBlock, "directory index block");
    const bytes = await this.volume.metadataBlock(`dir-index:${this.inode.ino}`, runs, (data) => {
      if (this.v5) this.volume.verifyV5Header(data, DA_V5_LAYOUT, runs[0].offset, this.inode.ino, `directory index block of inode ${this.inode.ino}`);
    });
    const view = new BigEndian(bytes);
    const header = this.v5 ? DA_HEADER.v5 : DA_HEADER.v4;
    const countAt = this.v5 ? 56 : 12;
    const magic = view.u16(8);
    const count = view.u16(countAt);
    const forward = view.u32(0);
    const entries = { view, start: header, count };
    if (magic === (this.v5 ? MAGIC.nodeV5 : MAGIC.nodeV4)) {
      const level = view.u16(countAt + 2);
      if (level < 1 || level > MAX_DA_DEPTH) this.corrupt(`a hash index node at level ${level}`);
      if (count < 1 || header + count * 8 > this.blockBytes) this.corrupt(`a hash index node with ${count} entries`);
      return { kind: "node", level, forward, entries };
    }
    if (magic === (this.v5 ? MAGIC.leafnV5 : MAGIC.leafnV4)) {
      if (header + count * 8 > this.blockBytes) this.corrupt(`a leaf with ${count} entries`);
      return { kind: "leafn", level: 0, forward, entries };
    }
    if (magic === (this.v5 ? MAGIC.leaf1V5 : MAGIC.leaf1V4) && fileBlock === this.leafBlock) {
      const bests = view.u32(this.blockBytes - LEAF_TAIL);
      if (header + count * 8 > this.blockBytes - LEAF_TAIL - bests * 2) this.corrupt(`a leaf with ${count} entries and ${bests} free-space counts`);
      return { kind: "leaf1", level: 0, forward, entries };
    }
    return this.corrupt(`a hash index block with magic 0x${magic.toString(16)}`);
  }

  /** The child of a da node that covers `hash`: the first whose highest hash is not below it (else the last). */
  private childFor(node: HashIndex, hash: number): number {
    const { view, start, count } = node;
    let low = 0;
    let high = count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (view.u32(start + middle * 8) < hash) low = middle + 1;
      else high = middle;
    }
    return view.u32(start + Math.min(low, count - 1) * 8 + 4);
  }

  /**
   * Follows data addresses to their entries and returns the inode of the one
   * named `name`; `single` is the block of a block-form directory.
   */
  private async match(addresses: number[], name: Uint8Array, single?: { block: Uint8Array; end: number }): Promise<number | null> {
    const { sb } = this.volume;
    for (const address of addresses) {
      const byte = address * 8;
      const fileBlock = Math.floor(byte / this.blockBytes) * this.fsbPerBlock;
      const offset = byte % this.blockBytes;
      if (fileBlock >= this.leafBlock) this.corrupt(`a hash entry pointing outside the data blocks`);
      if (single && fileBlock !== 0) this.corrupt("a hash entry pointing past its single block");
      const { block, end } = single ?? { block: await this.dataBlock(fileBlock, "data"), end: this.blockBytes };
      if (offset < this.dataHeader) this.corrupt("a hash entry pointing into a block header");
      const { record } = dataEntryAt(block, offset, end, sb.hasFileType, this.where);
      if (!record) this.corrupt("a hash entry pointing to free space");
      if (namesMatch(record.name, name, sb.asciiCi)) return record.ino;
    }
    return null;
  }
}
