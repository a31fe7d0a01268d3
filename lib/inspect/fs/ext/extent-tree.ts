import { u16le, u32le } from "../../binary";
import { hiLo } from "./bytes";
import type { BlockMap, BlockRun } from "./block-map";
import { checkBlockRange, type ExtContext, readMetaBlock } from "./ext-context";
import { corrupt } from "./ext-error";
import { iBlock, type Inode } from "./inode";
import type { LruCache } from "../../../lru";
import { memoize } from "./memoize";

const EXTENT_MAGIC = 0xf30a;
/** The kernel never builds deeper trees (EXT4_MAX_EXTENT_DEPTH); deeper is corruption, or a loop. */
const MAX_EXTENT_DEPTH = 5;
const HEADER = 12;
const ENTRY = 12;
/** An ee_len above this marks an unwritten (preallocated) extent of ee_len - 32768 blocks. */
const INIT_MAX_LEN = 32768;

/** One node of an extent tree, decoded and checked. */
export interface ExtentNode {
  depth: number;
  /** The first logical block of each entry, strictly increasing. */
  keys: number[];
  /** Leaf: the first physical block of each extent. Index: the block of each child node. */
  targets: number[];
  /** Leaf only: extent lengths in blocks. */
  lengths: number[];
  /** Leaf only: unwritten extents, which read as zeros. */
  unwritten: boolean[];
}

export type ExtentNodeCache = LruCache<number, Promise<ExtentNode>>;

/** Decodes an extent node (the 60-byte root in the inode, or a whole tree block). */
export function parseExtentNode(ctx: ExtContext, bytes: Uint8Array, where: string, expectedDepth: number | null): ExtentNode {
  if (u16le(bytes, 0) !== EXTENT_MAGIC) throw corrupt(`${where} has no extent header.`);
  const count = u16le(bytes, 2);
  const max = u16le(bytes, 4);
  const depth = u16le(bytes, 6);
  if (count > max || max > Math.floor((bytes.length - HEADER) / ENTRY)) throw corrupt(`${where} claims ${count} of ${max} extent entries, more than fit.`);
  if (depth > MAX_EXTENT_DEPTH) throw corrupt(`${where} has an extent tree ${depth} levels deep (at most ${MAX_EXTENT_DEPTH}).`);
  if (expectedDepth !== null && depth !== expectedDepth) throw corrupt(`${where} is at depth ${depth} where ${expectedDepth} was expected.`);
  const node: ExtentNode = { depth, keys: [], targets: [], lengths: [], unwritten: [] };
  let next = 0;
  for (let i = 0; i < count; i += 1) {
    const at = HEADER + i * ENTRY;
    const key = u32le(bytes, at);
    if (key < next) throw corrupt(`${where} has extent entries out of order.`);
    node.keys.push(key);
    if (depth === 0) {
      const raw = u16le(bytes, at + 4);
      const length = raw > INIT_MAX_LEN ? raw - INIT_MAX_LEN : raw;
      const start = hiLo(u16le(bytes, at + 6), u32le(bytes, at + 8));
      if (length === 0) throw corrupt(`${where} has an empty extent.`);
      checkBlockRange(ctx, start, length, where);
      node.targets.push(start);
      node.lengths.push(length);
      node.unwritten.push(raw > INIT_MAX_LEN);
      next = key + length;
    } else {
      const child = hiLo(u16le(bytes, at + 8), u32le(bytes, at + 4));
      checkBlockRange(ctx, child, 1, where);
      node.targets.push(child);
      next = key + 1;
    }
  }
  return node;
}

/** The last entry whose key is <= `logical`, or -1. */
function lastAtOrBefore(keys: number[], logical: number): number {
  let low = 0;
  let high = keys.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (keys[mid] <= logical) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/** The block map of an inode with the extents flag: a B+tree rooted in i_block. */
export class ExtentTree implements BlockMap {
  private readonly root: ExtentNode;

  constructor(
    private readonly ctx: ExtContext,
    private readonly nodes: ExtentNodeCache,
    inode: Inode,
  ) {
    this.root = parseExtentNode(ctx, iBlock(inode), `the extent root of inode ${inode.ino}`, null);
  }

  async run(logical: number): Promise<BlockRun> {
    let node = this.root;
    // The first logical block past the subtree being searched (from the next key of the parents).
    let limit = Infinity;
    for (;;) {
      const at = lastAtOrBefore(node.keys, logical);
      if (node.depth === 0) {
        if (at >= 0 && logical < node.keys[at] + node.lengths[at]) {
          const offset = logical - node.keys[at];
          return { physical: node.unwritten[at] ? null : node.targets[at] + offset, length: node.lengths[at] - offset };
        }
        const next = at + 1 < node.keys.length ? Math.min(node.keys[at + 1], limit) : limit;
        return { physical: null, length: Math.max(1, next - logical) };
      }
      if (at < 0) return { physical: null, length: Math.max(1, Math.min(node.keys[0] ?? Infinity, limit) - logical) };
      if (at + 1 < node.keys.length) limit = Math.min(limit, node.keys[at + 1]);
      node = await this.child(node.targets[at], node.depth - 1);
    }
  }

  private child(block: number, depth: number): Promise<ExtentNode> {
    const node = memoize(this.nodes, block, () =>
      readMetaBlock(this.ctx, block, `extent tree block ${block}`).then((bytes) => parseExtentNode(this.ctx, bytes, `extent tree block ${block}`, depth)),
    );
    // A cached node reached again at another depth means the tree loops: parse checks only once.
    return node.then((found: ExtentNode) => {
      if (found.depth !== depth) throw corrupt(`extent tree block ${block} is at depth ${found.depth} where ${depth} was expected.`);
      return found;
    });
  }
}
