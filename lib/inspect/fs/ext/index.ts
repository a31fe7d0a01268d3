import type { RandomAccessReader } from "../../reader";
import { ExtFileSystem } from "./ext-file-system";
import { corrupt } from "./ext-error";
import { ROOT_INODE } from "./inode";
import { hasExtMagic, parseSuperblock, SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE } from "./superblock";

export { ExtFileSystem, LIMITS } from "./ext-file-system";

/**
 * Opens the ext2/ext3/ext4 file system on `reader` (a partition or a whole disk): null when there
 * is no ext superblock magic, an InspectError when there is one but the file system is broken
 * ("corrupt", "truncated") or uses a feature this reader cannot read ("unsupported").
 */
export async function openExtFileSystem(reader: RandomAccessReader): Promise<ExtFileSystem | null> {
  if (reader.size < SUPERBLOCK_OFFSET + SUPERBLOCK_SIZE) return null;
  const bytes = await reader.read(SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE);
  if (!hasExtMagic(bytes)) return null;
  const fs = new ExtFileSystem(reader, parseSuperblock(bytes, reader.size));
  const root = await fs.stat(ROOT_INODE);
  if (root.type !== "directory") throw corrupt("the root inode is not a directory.");
  return fs;
}
