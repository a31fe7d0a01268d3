import { InspectError } from "../../errors";
import { crc32cUpdate } from "../../util/crc32c";
import { LruCache } from "../../../lru";
import { type RandomAccessReader, readExact } from "../../reader";
import { checkedRange } from "./mapped-reader";

/**
 * dm-thin's pool metadata (the pool's hidden _tmeta LV), read-only, from the
 * kernel's drivers/md/dm-thin-metadata.c and persistent-data/dm-btree*:
 * 4 KiB blocks; block 0 is the superblock
 *   csum u32, flags u32, blocknr u64, uuid[16], magic u64 = 27022010, version u32, time u32,
 *   trans_id u64, held_root u64, data and metadata space map roots (128 bytes each),
 *   data_mapping_root u64, device_details_root u64, data_block_size u32 (sectors),
 *   metadata_block_size u32 (8), metadata_nr_blocks u64, compat flags...
 * and every B-tree node is
 *   csum u32, flags u32 (1 internal, 2 leaf), blocknr u64, nr_entries u32, max_entries u32,
 *   value_size u32, padding u32, keys u64[max_entries], values[max_entries].
 * Checksums are crc32c (seed ~0, not inverted) of everything after the csum field,
 * xored with 160774 (superblock) or 121107 (nodes). The data mapping is a
 * two-level tree: thin device id -> root of that device's tree, virtual block
 * -> (data block << 24 | time). A block not in the tree reads as zeros (or from
 * the external origin).
 */

const BLOCK = 4096;
const SUPERBLOCK_MAGIC = 27022010n;
const SUPERBLOCK_CSUM_XOR = 160774;
const BTREE_CSUM_XOR = 121107;
const INTERNAL_NODE = 1;
const LEAF_NODE = 2;
const NODE_HEADER = 32;
/** A B-tree of 4 KiB nodes over 2^64 keys is at most 14 levels deep even with minimal fan-out. */
const MAX_DEPTH = 16;

const checksum = (block: Uint8Array, xor: number) => (crc32cUpdate(0xffffffff, block.subarray(4)) ^ xor) >>> 0;

interface Node {
  leaf: boolean;
  keys: BigUint64Array;
  values: DataView;
  valueSize: number;
}

export class ThinPool {
  private readonly nodes = new LruCache<number, Node>(256);

  private constructor(
    private readonly metadata: RandomAccessReader,
    private readonly data: RandomAccessReader,
    /** Bytes per data block. */
    readonly blockSize: number,
    private readonly metadataBlocks: number,
    private readonly mappingRoot: number,
  ) {}

  /** Opens the pool from its metadata and data LVs; `chunkSectors` is the pool segment's chunk_size. */
  static async open(metadata: RandomAccessReader, data: RandomAccessReader, chunkSectors: number): Promise<ThinPool> {
    const superblock = await readExact(metadata, 0, BLOCK, "thin pool superblock");
    const view = new DataView(superblock.buffer, superblock.byteOffset, BLOCK);
    if (view.getBigUint64(32, true) !== SUPERBLOCK_MAGIC) throw new InspectError("corrupt", "The thin pool's metadata has no superblock (wrong magic).");
    if (view.getUint32(0, true) !== checksum(superblock, SUPERBLOCK_CSUM_XOR))
      throw new InspectError("corrupt", "The thin pool's superblock fails its checksum.");
    if (view.getBigUint64(8, true) !== 0n) throw new InspectError("corrupt", "The thin pool's superblock says it is not block 0.");
    if (view.getUint32(340, true) !== BLOCK / 512)
      throw new InspectError("unsupported", `The thin pool's metadata blocks are ${view.getUint32(340, true)} sectors, not 8.`);
    const dataBlockSectors = view.getUint32(336, true);
    if (dataBlockSectors === 0 || dataBlockSectors !== chunkSectors) {
      throw new InspectError("corrupt", `The thin pool's data block size (${dataBlockSectors} sectors) is not its chunk_size (${chunkSectors}).`);
    }
    const metadataBlocks = Math.min(Number(view.getBigUint64(344, true)), Math.floor(metadata.size / BLOCK));
    const mappingRoot = view.getBigUint64(320, true);
    if (mappingRoot >= BigInt(metadataBlocks))
      throw new InspectError("corrupt", `The thin pool's data mapping root points past its metadata (block ${mappingRoot}).`);
    return new ThinPool(metadata, data, dataBlockSectors * 512, metadataBlocks, Number(mappingRoot));
  }

  /** A reader of thin device `deviceId`, `size` bytes long; unmapped blocks read from `origin` or as zeros. */
  async device(deviceId: number, size: number, origin: RandomAccessReader | null): Promise<RandomAccessReader> {
    const root = await this.lookup(this.mappingRoot, BigInt(deviceId), 8);
    if (root === null) throw new InspectError("corrupt", `Thin device ${deviceId} is not in its pool's metadata.`);
    const deviceRoot = this.blockNumber(root.getBigUint64(0, true), "device mapping root");
    return {
      size,
      read: async (offset, length) => {
        const end = checkedRange(offset, length, size, "thin volume");
        const bytes = new Uint8Array(end - offset);
        for (let at = offset; at < end;) {
          const block = Math.floor(at / this.blockSize);
          const within = at % this.blockSize;
          const take = Math.min(this.blockSize - within, end - at);
          const mapping = await this.lookup(deviceRoot, BigInt(block), 8);
          if (mapping !== null) {
            const dataBlock = Number(mapping.getBigUint64(0, true) >> 24n);
            bytes.set(await readExact(this.data, dataBlock * this.blockSize + within, take, `thin pool data block ${dataBlock}`), at - offset);
          } else if (origin) {
            bytes.set(await readExact(origin, at, take, "external origin of a thin volume"), at - offset);
          }
          at += take;
        }
        return bytes;
      },
    };
  }

  private blockNumber(value: bigint, what: string): number {
    if (value >= BigInt(this.metadataBlocks)) throw new InspectError("corrupt", `The thin pool's ${what} points past its metadata (block ${value}).`);
    return Number(value);
  }

  /** The value stored under `key`, or null. */
  private async lookup(root: number, key: bigint, valueSize: number): Promise<DataView | null> {
    let block = root;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const node = await this.node(block, valueSize);
      // The last key not above `key` (binary search over sorted keys).
      let low = 0;
      let high = node.keys.length - 1;
      let found = -1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (node.keys[middle] <= key) {
          found = middle;
          low = middle + 1;
        } else high = middle - 1;
      }
      if (found < 0) return null;
      const value = new DataView(node.values.buffer, node.values.byteOffset + found * node.valueSize, node.valueSize);
      if (node.leaf) return node.keys[found] === key ? value : null;
      block = this.blockNumber(value.getBigUint64(0, true), "B-tree child pointer");
    }
    throw new InspectError("limit", `The thin pool's B-tree is deeper than ${MAX_DEPTH} levels.`);
  }

  private async node(block: number, leafValueSize: number): Promise<Node> {
    const cached = this.nodes.get(block);
    if (cached) return this.expectValueSize(cached, leafValueSize);
    const bytes = await readExact(this.metadata, block * BLOCK, BLOCK, `thin pool metadata block ${block}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, BLOCK);
    const where = `thin pool metadata block ${block}`;
    if (view.getUint32(0, true) !== checksum(bytes, BTREE_CSUM_XOR)) throw new InspectError("corrupt", `The ${where} fails its checksum.`);
    if (view.getBigUint64(8, true) !== BigInt(block)) throw new InspectError("corrupt", `The ${where} says it is another block.`);
    const flags = view.getUint32(4, true);
    const count = view.getUint32(16, true);
    const max = view.getUint32(20, true);
    const valueSize = view.getUint32(24, true);
    if ((flags !== INTERNAL_NODE && flags !== LEAF_NODE) || count > max || valueSize === 0 || NODE_HEADER + max * (8 + valueSize) > BLOCK) {
      throw new InspectError("corrupt", `The ${where} has an impossible B-tree node header.`);
    }
    const keys = new BigUint64Array(count);
    for (let index = 0; index < count; index++) keys[index] = view.getBigUint64(NODE_HEADER + index * 8, true);
    const values = new DataView(bytes.buffer, bytes.byteOffset + NODE_HEADER + max * 8, count * valueSize);
    const node = { leaf: flags === LEAF_NODE, keys, values, valueSize };
    this.nodes.set(block, node);
    return this.expectValueSize(node, leafValueSize);
  }

  private expectValueSize(node: Node, leafValueSize: number): Node {
    if (node.valueSize !== (node.leaf ? leafValueSize : 8)) throw new InspectError("corrupt", "A thin pool B-tree node holds values of the wrong size.");
    return node;
  }
}
