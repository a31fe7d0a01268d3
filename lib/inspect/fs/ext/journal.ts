import { u16be, u32be } from "../../binary";
import type { RandomAccessReader } from "../../reader";
import type { BlockMap } from "./block-map";
import { corrupt, extError } from "./ext-error";

// The jbd2 journal (ext3/ext4), big-endian on disk. When a file system was not unmounted cleanly
// (needs_recovery), its last committed transactions exist only in the journal; the kernel replays
// them at mount. This reader replays them too, as an overlay of block replacements, without
// writing anything.

const JBD2_MAGIC = 0xc03b3998;
const BLOCK_TYPE = { DESCRIPTOR: 1, COMMIT: 2, SUPERBLOCK_V1: 3, SUPERBLOCK_V2: 4, REVOKE: 5 } as const;
const FEATURE = { REVOKE: 0x1, BIT64: 0x2, ASYNC_COMMIT: 0x4, CSUM_V2: 0x8, CSUM_V3: 0x10, FAST_COMMIT: 0x20 } as const;
const KNOWN_INCOMPAT = FEATURE.REVOKE | FEATURE.BIT64 | FEATURE.ASYNC_COMMIT | FEATURE.CSUM_V2 | FEATURE.CSUM_V3 | FEATURE.FAST_COMMIT;
const TAG_FLAG = { ESCAPE: 0x1, SAME_UUID: 0x2, LAST_TAG: 0x8 } as const;
/** Journals larger than this (in blocks) are not replayed: the overlay map would be too large. */
const MAX_JOURNAL_BLOCKS = 1 << 22;

/** Transaction ids wrap around: a is after b. */
const tidAfter = (a: number, b: number) => ((a - b) | 0) > 0;

/** Where the replayed copy of a file-system block lives: a block of the journal. */
export interface Replacement {
  /** The journal's logical block holding the new contents. */
  journalBlock: number;
  /** The block began with the journal magic, which the journal stores escaped (zeroed). */
  escaped: boolean;
}

interface Tag {
  target: number;
  journalBlock: number;
  escaped: boolean;
}

interface JournalSource {
  blockSize: number;
  /** The file system's block count, to check the targets. */
  blocksCount: number;
  /** Journal blocks (the journal inode's logical blocks). */
  journalBlocks: number;
  read(journalBlock: number): Promise<Uint8Array>;
}

/**
 * The replacements that recovering the journal would write: for each file-system block, the
 * journal block of its newest committed copy, skipping revoked ones (jbd2's scan, revoke and
 * replay passes). Empty when the journal is clean.
 */
export async function journalReplacements(source: JournalSource): Promise<Map<number, Replacement>> {
  const superblock = await source.read(0);
  const type = u32be(superblock, 4);
  if (u32be(superblock, 0) !== JBD2_MAGIC || (type !== BLOCK_TYPE.SUPERBLOCK_V1 && type !== BLOCK_TYPE.SUPERBLOCK_V2)) {
    throw corrupt("the journal has no jbd2 superblock.");
  }
  if (u32be(superblock, 0x0c) !== source.blockSize) throw extError("unsupported", "the journal's block size differs from the file system's.");
  const maxLength = u32be(superblock, 0x10);
  const first = u32be(superblock, 0x14);
  let sequence = u32be(superblock, 0x18);
  const start = u32be(superblock, 0x1c);
  const replacements = new Map<number, Replacement>();
  if (start === 0) return replacements;
  const incompat = type === BLOCK_TYPE.SUPERBLOCK_V2 ? u32be(superblock, 0x28) : 0;
  if (incompat & ~KNOWN_INCOMPAT) throw extError("unsupported", `journal features 0x${(incompat & ~KNOWN_INCOMPAT).toString(16)} are unknown.`);
  if (maxLength > source.journalBlocks || maxLength > MAX_JOURNAL_BLOCKS) throw corrupt(`the journal claims ${maxLength} blocks.`);
  // With fast commits, the last s_num_fc_blks blocks (256 by default) are outside the log ring.
  const fastCommitBlocks = incompat & FEATURE.FAST_COMMIT ? u32be(superblock, 0x54) || 256 : 0;
  const last = maxLength - fastCommitBlocks;
  if (first < 1 || first >= last || start < first || start >= last) throw corrupt("the journal's log area is inconsistent.");

  const csum = (incompat & (FEATURE.CSUM_V2 | FEATURE.CSUM_V3)) !== 0;
  const wide = (incompat & FEATURE.BIT64) !== 0;
  const tagBytes = incompat & FEATURE.CSUM_V3 ? 16 : 8 + (incompat & FEATURE.CSUM_V2 ? 2 : 0) + (wide ? 4 : 0);
  const usable = source.blockSize - (csum ? 4 : 0);
  const next = (block: number) => (block + 1 >= last ? first : block + 1);

  const transactions: Array<{ sequence: number; tags: Tag[] }> = [];
  const revoked = new Map<number, number>();
  let pendingTags: Tag[] = [];
  let pendingRevokes: number[] = [];
  let block = start;
  // Each step consumes at least one block of the ring: one lap at most.
  for (let steps = 0; steps < last;) {
    const header = await source.read(block);
    if (u32be(header, 0) !== JBD2_MAGIC || u32be(header, 8) !== sequence) break;
    const blockType = u32be(header, 4);
    steps += 1;
    block = next(block);
    if (blockType === BLOCK_TYPE.DESCRIPTOR) {
      for (let at = 12; at + tagBytes <= usable;) {
        const flags = incompat & FEATURE.CSUM_V3 ? u32be(header, at + 4) : u16be(header, at + 6);
        const high = wide ? u32be(header, at + 8) : 0;
        const target = high * 2 ** 32 + u32be(header, at);
        if (target >= source.blocksCount) throw corrupt(`the journal writes block ${target}, outside the file system.`);
        pendingTags.push({ target, journalBlock: block, escaped: (flags & TAG_FLAG.ESCAPE) !== 0 });
        block = next(block);
        steps += 1;
        at += tagBytes + (flags & TAG_FLAG.SAME_UUID ? 0 : 16);
        if (flags & TAG_FLAG.LAST_TAG) break;
      }
    } else if (blockType === BLOCK_TYPE.REVOKE) {
      const used = Math.min(u32be(header, 12), usable);
      const recordBytes = wide ? 8 : 4;
      for (let at = 16; at + recordBytes <= used; at += recordBytes) {
        pendingRevokes.push(wide ? u32be(header, at) * 2 ** 32 + u32be(header, at + 4) : u32be(header, at));
      }
    } else if (blockType === BLOCK_TYPE.COMMIT) {
      transactions.push({ sequence, tags: pendingTags });
      for (const target of pendingRevokes) {
        const known = revoked.get(target);
        if (known === undefined || tidAfter(sequence, known)) revoked.set(target, sequence);
      }
      pendingTags = [];
      pendingRevokes = [];
      sequence = (sequence + 1) >>> 0;
    } else break;
  }

  for (const transaction of transactions) {
    for (const tag of transaction.tags) {
      const revokedAt = revoked.get(tag.target);
      if (revokedAt !== undefined && !tidAfter(transaction.sequence, revokedAt)) continue;
      replacements.set(tag.target, { journalBlock: tag.journalBlock, escaped: tag.escaped });
    }
  }
  return replacements;
}

/**
 * The partition as it reads after journal recovery: blocks with a replacement come from the
 * journal (whose blocks `journal` maps to partition blocks), everything else from `reader`.
 */
export function replayedReader(reader: RandomAccessReader, blockSize: number, replacements: Map<number, Replacement>, journal: BlockMap): RandomAccessReader {
  return {
    size: reader.size,
    async read(offset, length) {
      const bytes = await reader.read(offset, length);
      if (bytes.length === 0) return bytes;
      const firstBlock = Math.floor(offset / blockSize);
      const lastBlock = Math.floor((offset + bytes.length - 1) / blockSize);
      let out = bytes;
      for (let target = firstBlock; target <= lastBlock; target += 1) {
        const replacement = replacements.get(target);
        if (!replacement) continue;
        if (out === bytes) out = bytes.slice();
        const run = await journal.run(replacement.journalBlock, 1);
        if (run.physical === null) throw corrupt(`journal block ${replacement.journalBlock} is a hole.`);
        const copy = await reader.read(run.physical * blockSize, blockSize);
        if (copy.length < blockSize) throw extError("truncated", "the image ends inside the journal.");
        const block = replacement.escaped ? escapeRestored(copy) : copy;
        const from = Math.max(offset, target * blockSize);
        const to = Math.min(offset + bytes.length, (target + 1) * blockSize);
        out.set(block.subarray(from - target * blockSize, to - target * blockSize), from - offset);
      }
      return out;
    },
  };
}

function escapeRestored(block: Uint8Array): Uint8Array {
  const restored = block.slice();
  restored.set([0xc0, 0x3b, 0x39, 0x98], 0);
  return restored;
}
