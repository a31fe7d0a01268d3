import type { RandomAccessReader } from "../../reader";
import { ExtFileSystem } from "./ext-file-system";
import { corrupt } from "./ext-error";
import { INCOMPAT } from "./features";
import { ROOT_INODE } from "./inode";
import { journalReplacements, replayedReader } from "./journal";
import { hasExtMagic, parseSuperblock, SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE, type Superblock } from "./superblock";

export { ExtFileSystem, LIMITS } from "./ext-file-system";

/**
 * Opens the ext2/ext3/ext4 file system on `reader` (a partition or a whole disk): null when there
 * is no ext superblock magic, an InspectError when there is one but the file system is broken
 * ("corrupt", "truncated") or uses a feature this reader cannot read ("unsupported"). A file
 * system that was not unmounted cleanly is read as the kernel would mount it: after replaying
 * its journal (in memory; nothing is written).
 */
export async function openExtFileSystem(reader: RandomAccessReader): Promise<ExtFileSystem | null> {
  if (reader.size < SUPERBLOCK_OFFSET + SUPERBLOCK_SIZE) return null;
  const bytes = await reader.read(SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE);
  if (!hasExtMagic(bytes)) return null;
  const fs = await recovered(reader, parseSuperblock(bytes, reader.size));
  const root = await fs.stat(ROOT_INODE);
  if (root.type !== "directory") throw corrupt("the root inode is not a directory.");
  return fs;
}

/**
 * The file system after journal recovery. Without needs_recovery, or with an external journal
 * (which is not in this image), it is read as it is on disk.
 */
async function recovered(reader: RandomAccessReader, sb: Superblock): Promise<ExtFileSystem> {
  const plain = new ExtFileSystem(reader, sb);
  if (!(sb.incompat & INCOMPAT.RECOVER) || sb.journalInode === 0) return plain;
  const journal = await plain.inode(sb.journalInode);
  if (journal.type !== "file") throw corrupt(`the journal inode ${sb.journalInode} is not a regular file.`);
  const map = plain.blockMap(journal);
  const replacements = await journalReplacements({
    blockSize: sb.blockSize,
    blocksCount: sb.blocksCount,
    journalBlocks: Math.floor(journal.size / sb.blockSize),
    read: async (block) => {
      const run = await map.run(block, 1);
      if (run.physical === null) throw corrupt(`journal block ${block} is a hole.`);
      return plain.metadataBlock(run.physical, `journal block ${block}`);
    },
  });
  if (replacements.size === 0) return plain;
  const replayed = replayedReader(reader, sb.blockSize, replacements, map);
  return new ExtFileSystem(replayed, parseSuperblock(await replayed.read(SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE), reader.size), replacements.size);
}
