import { InspectError } from "../../errors";
import { type RandomAccessReader, readExact } from "../../reader";
import { type Chunk, ChunkMap, parseChunk, parseSysChunkArray } from "./chunks";
import { type BlockVerifier, blockVerifier } from "./checksums";
import { LruCache } from "../../../lru";
import {
  CHUNK_ITEM_KEY,
  compareKeys,
  FIRST_CHUNK_TREE_OBJECTID,
  Fields,
  type Key,
  parseRootItem,
  ROOT_ITEM_KEY,
  type RootItem,
  sameBytes,
  U64_MAX,
} from "./structures";
import { readSuperblock, type Superblock } from "./superblock";
import { checkFirstKey, parseNode, TreeCursor, type TreeItem, type TreeNode, type TreeRoot } from "./tree";

/** Tree blocks kept parsed in memory (at the default 16 KiB node size, 8 MiB). */
const NODE_CACHE_ENTRIES = 512;
const ROOT_CACHE_ENTRIES = 1024;

/**
 * One btrfs device: the superblock, the logical-to-physical map built from
 * the system chunk array and the chunk tree, and checked, cached tree blocks.
 * File-system views (BtrfsFileSystem, one per subvolume) share it.
 */
export class BtrfsVolume {
  private readonly nodes = new LruCache<number, TreeNode>(NODE_CACHE_ENTRIES);
  private readonly roots = new LruCache<bigint, RootItem | null>(ROOT_CACHE_ENTRIES);
  readonly rootTree: TreeRoot;

  private constructor(
    private readonly reader: RandomAccessReader,
    readonly superblock: Superblock,
    private readonly chunks: ChunkMap,
    private readonly verify: BlockVerifier,
  ) {
    this.rootTree = { bytenr: superblock.root, level: superblock.rootLevel };
  }

  /** Null when the partition holds no btrfs; an InspectError when it holds a broken one. */
  static async open(reader: RandomAccessReader): Promise<BtrfsVolume | null> {
    const superblock = await readSuperblock(reader);
    if (!superblock) return null;
    if (superblock.deviceBytes > reader.size) {
      throw new InspectError(
        "truncated",
        `The btrfs file system needs ${superblock.deviceBytes} bytes but its partition holds only ${reader.size}: the image is cut off.`,
      );
    }
    const chunks = new ChunkMap();
    for (const chunk of parseSysChunkArray(superblock.sysChunkArray, superblock.devid)) chunks.add(chunk);
    const volume = new BtrfsVolume(reader, superblock, chunks, await blockVerifier(superblock.csumType));
    await volume.loadChunkTree();
    return volume;
  }

  private async loadChunkTree(): Promise<void> {
    const root = { bytenr: this.superblock.chunkRoot, level: this.superblock.chunkRootLevel };
    const found: Chunk[] = [];
    await this.forEach(
      root,
      { objectid: FIRST_CHUNK_TREE_OBJECTID, type: CHUNK_ITEM_KEY, offset: 0n },
      { objectid: FIRST_CHUNK_TREE_OBJECTID, type: CHUNK_ITEM_KEY, offset: U64_MAX },
      1 << 16,
      (item) => {
        found.push(parseChunk(item.data, item.key.offset, this.superblock.devid));
      },
    );
    for (const chunk of found) this.chunks.add(chunk);
  }

  /** `length` bytes at a logical address, from the first copy (data checksums are not verified). */
  async readLogical(logical: number, length: number, what: string): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { copies, available } = this.chunks.resolve(logical + done);
      const part = Math.min(available, length - done);
      out.set(await readExact(this.reader, copies[0], part, what), done);
      done += part;
    }
    return out;
  }

  /** The tree block at `bytenr`, checked (checksum, fsid, address, level, first key) and cached. */
  readonly loadNode = async (bytenr: number, level: number, firstKey: Key | null): Promise<TreeNode> => {
    const cached = this.nodes.get(bytenr);
    if (cached) {
      if (cached.level !== level)
        throw new InspectError("corrupt", `The btrfs tree block at logical ${bytenr} is used at levels ${cached.level} and ${level}.`);
      checkFirstKey(cached, firstKey);
      return cached;
    }
    const { nodeSize } = this.superblock;
    const { copies, available } = this.chunks.resolve(bytenr);
    if (available < nodeSize) throw new InspectError("corrupt", `The btrfs tree block at logical ${bytenr} crosses the end of its chunk.`);
    let problem: InspectError | null = null;
    // DUP metadata has two copies: a damaged first copy is read from the second, as the kernel does.
    for (const physical of copies) {
      try {
        const node = parseNode(this.verifyBlock(await readExact(this.reader, physical, nodeSize, "btrfs tree block"), bytenr), bytenr, level);
        checkFirstKey(node, firstKey);
        this.nodes.set(bytenr, node);
        return node;
      } catch (error) {
        if (!(error instanceof InspectError)) throw error;
        problem ??= error;
      }
    }
    throw problem as InspectError;
  };

  private verifyBlock(bytes: Uint8Array, bytenr: number): Uint8Array {
    const f = new Fields(bytes, "tree block");
    const where = `The btrfs tree block at logical ${bytenr}`;
    if (!this.verify(bytes)) throw new InspectError("corrupt", `${where} fails its ${this.superblock.csumType} checksum.`);
    if (!sameBytes(f.slice(0x20, 16), this.superblock.metadataFsid)) throw new InspectError("corrupt", `${where} belongs to another file system.`);
    if (f.u64(0x30) !== BigInt(bytenr)) throw new InspectError("corrupt", `${where} says it lives at ${f.u64(0x30)}.`);
    return bytes;
  }

  cursor(root: TreeRoot): TreeCursor {
    return new TreeCursor(this.loadNode, root);
  }

  /** The item with exactly this key, or null. */
  async find(root: TreeRoot, key: Key): Promise<TreeItem | null> {
    const item = await this.cursor(root).seek(key, "ge");
    return item && compareKeys(item.key, key) === 0 ? item : null;
  }

  /** Calls `visit` for every item in [min, max], in key order; more than `limit` items is an InspectError. */
  async forEach(root: TreeRoot, min: Key, max: Key, limit: number, visit: (item: TreeItem) => void | Promise<void>): Promise<void> {
    const cursor = this.cursor(root);
    let count = 0;
    for (let item = await cursor.seek(min, "ge"); item && compareKeys(item.key, max) <= 0; item = await cursor.next()) {
      if (++count > limit) throw new InspectError("limit", `A btrfs tree range holds more than ${limit} items.`);
      await visit(item);
    }
  }

  /** The ROOT_ITEM of tree `id` (the newest, as the kernel picks it), or null when there is none or it is deleted. */
  async rootItem(id: bigint): Promise<RootItem | null> {
    const cached = this.roots.get(id);
    if (cached !== undefined) return cached;
    const item = await this.cursor(this.rootTree).seek({ objectid: id, type: ROOT_ITEM_KEY, offset: U64_MAX }, "le");
    let root: RootItem | null = null;
    if (item && item.key.objectid === id && item.key.type === ROOT_ITEM_KEY) {
      root = parseRootItem(item.data);
      if (root.refs === 0) root = null;
    }
    this.roots.set(id, root);
    return root;
  }
}
