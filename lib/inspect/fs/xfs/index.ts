import { InspectError } from "../../errors";
import { readExact, type RandomAccessReader } from "../../reader";
import { claimedSectorSize, hasXfsMagic, parseSuperblock } from "./superblock";
import { XfsVolume } from "./volume";
import { XfsFileSystem } from "./xfs-file-system";

export { XfsFileSystem } from "./xfs-file-system";

const MIN_SECTOR = 512;
const MAX_SECTOR = 32768;

/**
 * Opens the XFS file system on a partition: null when there is no XFS
 * superblock, an InspectError when there is one but it is damaged, truncated
 * or uses features this reader refuses.
 */
export async function openXfsFileSystem(reader: RandomAccessReader): Promise<XfsFileSystem | null> {
  const head = await reader.read(0, MIN_SECTOR);
  if (!hasXfsMagic(head)) return null;
  if (head.length < MIN_SECTOR) throw new InspectError("truncated", "The partition ends inside the XFS superblock.");
  const sectorSize = Math.min(Math.max(claimedSectorSize(head), MIN_SECTOR), MAX_SECTOR);
  const sector = sectorSize === MIN_SECTOR ? head : await readExact(reader, 0, sectorSize, "XFS superblock");
  const sb = parseSuperblock(sector);
  const size = sb.dataBlocks * sb.blockSize;
  if (reader.size < size) {
    throw new InspectError("truncated", `The XFS file system is ${size} bytes long but its partition holds only ${reader.size}.`);
  }
  const fs = new XfsFileSystem(new XfsVolume(reader, sb));
  const root = await fs.stat(fs.root());
  if (root.type !== "directory") throw new InspectError("corrupt", `The XFS root inode ${fs.root()} is not a directory.`);
  return fs;
}
