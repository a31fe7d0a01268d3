import { isInspectError } from "../../errors";
import { u16le, u32le, u8 } from "../../binary";
import { sameBytes } from "./bytes";
import { parseEntries } from "./directory-entries";
import { dxHash } from "./dx-hash";
import { INCOMPAT } from "./features";
import type { Superblock } from "./superblock";

/** A directory read block by block (logical block numbers), for the index walk. */
export interface IndexedDirectory {
  ino: number;
  /** Number of blocks (i_size / block size). */
  blocks: number;
  block(logical: number): Promise<Uint8Array>;
}

/** found: the entry's inode; absent: the index says there is no such name; unusable: search linearly. */
export type IndexLookup = { found: number } | "absent" | "unusable";

interface Frame {
  bytes: Uint8Array;
  /** Offset of the dx_countlimit / dx_entry array in the block. */
  at: number;
  count: number;
  /** The entry being followed. */
  index: number;
}

// dx_root: "." (12 bytes), ".." (12 bytes), then dx_root_info at 0x18.
const ROOT_INFO = 0x18;

class Unusable extends Error {}

/**
 * Looks `name` up through the htree index (dx_probe and ext4_htree_next_block in the kernel):
 * a few blocks instead of the whole directory. Any inconsistency in the index makes it
 * "unusable", and the caller falls back to a linear search, as the kernel does.
 */
export async function indexLookup(sb: Superblock, dir: IndexedDirectory, name: Uint8Array): Promise<IndexLookup> {
  try {
    return await walk(sb, dir, name);
  } catch (error) {
    if (error instanceof Unusable || (isInspectError(error) && error.code === "corrupt")) return "unusable";
    throw error;
  }
}

async function walk(sb: Superblock, dir: IndexedDirectory, name: Uint8Array): Promise<IndexLookup> {
  const root = await dir.block(0);
  const storedVersion = u8(root, ROOT_INFO + 4);
  const infoLength = u8(root, ROOT_INFO + 5);
  const levels = u8(root, ROOT_INFO + 6);
  if (u8(root, ROOT_INFO + 7) & 1 || storedVersion > 2 || infoLength < 8) return "unusable";
  if (levels >= (sb.incompat & INCOMPAT.LARGEDIR ? 3 : 2)) return "unusable";
  const hash = dxHash(name, storedVersion + (sb.unsignedHash ? 3 : 0), sb.hashSeed);
  if (hash === null) return "unusable";

  const frames: Frame[] = [frame(root, ROOT_INFO + infoLength, hash)];
  while (frames.length <= levels) frames.push(frame(await dir.block(child(dir, frames[frames.length - 1])), 8, hash));

  // Every step moves to the next leaf, so the walk ends within the directory's blocks.
  for (let step = 0; step <= dir.blocks; step += 1) {
    const leaf = await dir.block(child(dir, frames[frames.length - 1]));
    const entry = parseEntries(sb, leaf, `directory ${dir.ino}`).find((candidate) => sameBytes(candidate.name, name));
    if (entry) return { found: entry.inode };
    // Names with the same hash may continue in the next leaf, flagged by bit 0 of its hash.
    let level = frames.length - 1;
    while (++frames[level].index >= frames[level].count) {
      if (level === 0) return "absent";
      level -= 1;
    }
    const next = frames[level];
    if ((u32le(next.bytes, next.at + 8 * next.index) & ~1) >>> 0 !== hash) return "absent";
    for (let below = level + 1; below < frames.length; below += 1) {
      frames[below] = { ...frame(await dir.block(child(dir, frames[below - 1])), 8, hash), index: 0 };
    }
  }
  return "unusable";
}

/** Reads the count/limit header at `at` and finds the last entry whose hash is <= `hash`. */
function frame(bytes: Uint8Array, at: number, hash: number): Frame {
  const limit = u16le(bytes, at);
  const count = u16le(bytes, at + 2);
  if (count === 0 || count > limit || at + 8 * limit > bytes.length) throw new Unusable();
  let low = 1;
  let high = count - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (u32le(bytes, at + 8 * mid) > hash) high = mid - 1;
    else low = mid + 1;
  }
  return { bytes, at, count, index: low - 1 };
}

/** The logical block an index entry points at (the top four bits are reserved). */
function child(dir: IndexedDirectory, from: Frame): number {
  const block = u32le(from.bytes, from.at + 8 * from.index + 4) & 0x0fffffff;
  if (block === 0 || block >= dir.blocks) throw new Unusable();
  return block;
}
