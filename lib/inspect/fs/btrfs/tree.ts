import { InspectError } from "../../errors";
import { compareKeys, Fields, formatKey, HEADER_SIZE, ITEM_SIZE, type Key, KEY_PTR_SIZE, MAX_LEVEL } from "./structures";

/** A parsed tree block: an internal node (level > 0) with child pointers, or a leaf with items. */
export interface TreeNode {
  bytenr: number;
  level: number;
  keys: Key[];
  /** Internal nodes: the logical address of each child. */
  children: number[];
  /** Leaves: where each item's data lies in `bytes`. */
  items: { start: number; end: number }[];
  bytes: Uint8Array;
}

export interface TreeItem {
  key: Key;
  data: Uint8Array;
}

/** Where a tree starts, as the superblock or a ROOT_ITEM says. */
export interface TreeRoot {
  bytenr: number;
  level: number;
}

/** Loads (and checks) the block at `bytenr`, which must be at `level` and start with `firstKey` when given. */
export type NodeLoader = (bytenr: number, level: number, firstKey: Key | null) => Promise<TreeNode>;

/**
 * Parses a tree block whose checksum, fsid and address the caller has
 * verified, checking what the kernel's tree checker checks for reading:
 * the level, the item count against the block size, item data inside the
 * block and keys in strictly ascending order.
 */
export function parseNode(bytes: Uint8Array, bytenr: number, expectedLevel: number): TreeNode {
  const f = new Fields(bytes, "tree block");
  const level = f.u8(0x64);
  const count = f.u32(0x60);
  const where = `The btrfs tree block at logical ${bytenr}`;
  if (level !== expectedLevel || level >= MAX_LEVEL) throw new InspectError("corrupt", `${where} is at level ${level}, expected ${expectedLevel}.`);
  const room = bytes.length - HEADER_SIZE;
  const keys: Key[] = [];
  const children: number[] = [];
  const items: { start: number; end: number }[] = [];
  if (level > 0) {
    if (count === 0 || count * KEY_PTR_SIZE > room) throw new InspectError("corrupt", `${where} claims ${count} child pointers.`);
    for (let i = 0; i < count; i++) {
      const at = HEADER_SIZE + i * KEY_PTR_SIZE;
      keys.push(f.key(at));
      children.push(f.num(at + 17, "child pointer"));
    }
  } else {
    if (count * ITEM_SIZE > room) throw new InspectError("corrupt", `${where} claims ${count} items.`);
    for (let i = 0; i < count; i++) {
      const at = HEADER_SIZE + i * ITEM_SIZE;
      keys.push(f.key(at));
      const start = HEADER_SIZE + f.u32(at + 17);
      const end = start + f.u32(at + 21);
      if (start < HEADER_SIZE + count * ITEM_SIZE || end > bytes.length) throw new InspectError("corrupt", `${where} has item ${i} outside its data area.`);
      items.push({ start, end });
    }
  }
  for (let i = 1; i < keys.length; i++) {
    if (compareKeys(keys[i - 1], keys[i]) >= 0)
      throw new InspectError("corrupt", `${where} has keys out of order at slot ${i} (${formatKey(keys[i - 1])} then ${formatKey(keys[i])}).`);
  }
  return { bytenr, level, keys, children, items, bytes };
}

/** The first key a child must start with equals the parent's pointer key. */
export function checkFirstKey(node: TreeNode, firstKey: Key | null): void {
  if (firstKey === null || node.keys.length === 0) return;
  if (compareKeys(node.keys[0], firstKey) !== 0) {
    throw new InspectError(
      "corrupt",
      `The btrfs tree block at logical ${node.bytenr} starts with ${formatKey(node.keys[0])}, but its parent expects ${formatKey(firstKey)}.`,
    );
  }
}

/** Index of the last key <= `key`, or -1. */
function lastAtMost(keys: Key[], key: Key): number {
  let low = 0;
  let high = keys.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (compareKeys(keys[middle], key) <= 0) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/**
 * A position in a B-tree: the path of (block, slot) from the root to a leaf.
 * btrfs leaves have no sibling pointers, so moving on climbs the path. The
 * depth is bounded by the level check (every child is one level lower).
 */
export class TreeCursor {
  private path: { node: TreeNode; slot: number }[] = [];

  constructor(
    private readonly load: NodeLoader,
    private readonly root: TreeRoot,
  ) {}

  private item(): TreeItem {
    const { node, slot } = this.path[this.path.length - 1];
    const { start, end } = node.items[slot];
    return { key: node.keys[slot], data: node.bytes.subarray(start, end) };
  }

  /** Descends from the last block of the path (whose slot is set) to a leaf, taking the first slot of every block below. */
  private async descendLeftmost(): Promise<void> {
    for (;;) {
      const { node, slot } = this.path[this.path.length - 1];
      if (node.level === 0) return;
      const child = await this.load(node.children[slot], node.level - 1, node.keys[slot]);
      this.path.push({ node: child, slot: 0 });
    }
  }

  /**
   * Positions the cursor on the first item >= `key` ("ge") or the last item
   * <= `key` ("le"), and returns it; null when there is none.
   */
  async seek(key: Key, mode: "ge" | "le"): Promise<TreeItem | null> {
    this.path = [];
    let node = await this.load(this.root.bytenr, this.root.level, null);
    while (node.level > 0) {
      const slot = Math.max(0, lastAtMost(node.keys, key));
      this.path.push({ node, slot });
      node = await this.load(node.children[slot], node.level - 1, node.keys[slot]);
    }
    const at = lastAtMost(node.keys, key);
    if (mode === "le") {
      if (at < 0) return null;
      this.path.push({ node, slot: at });
      return this.item();
    }
    const exact = at >= 0 && compareKeys(node.keys[at], key) === 0;
    this.path.push({ node, slot: exact ? at : at + 1 });
    if (this.path[this.path.length - 1].slot < node.keys.length) return this.item();
    return this.nextLeaf();
  }

  /** The item after the current one, or null at the end of the tree. */
  async next(): Promise<TreeItem | null> {
    if (this.path.length === 0) return null;
    const leaf = this.path[this.path.length - 1];
    leaf.slot++;
    if (leaf.slot < leaf.node.keys.length) return this.item();
    return this.nextLeaf();
  }

  private async nextLeaf(): Promise<TreeItem | null> {
    for (;;) {
      this.path.pop();
      while (this.path.length > 0 && this.path[this.path.length - 1].slot + 1 >= this.path[this.path.length - 1].node.keys.length) this.path.pop();
      if (this.path.length === 0) return null;
      this.path[this.path.length - 1].slot++;
      await this.descendLeftmost();
      const leaf = this.path[this.path.length - 1];
      if (leaf.node.keys.length > 0) return this.item();
    }
  }
}
