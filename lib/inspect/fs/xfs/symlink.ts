import { InspectError } from "../../errors";
import { BigEndian } from "./bytes";
import { ForkMap } from "./fork-map";
import { ForkFormat, type XfsInode } from "./inode";
import { MAX_SYMLINK_LENGTH } from "./superblock";
import type { HeaderLayout, XfsVolume } from "./volume";

const SYMLINK_MAGIC = 0x58534c4d; // "XSLM"
const V5_HEADER = 56;
const V5_LAYOUT: HeaderLayout = { crc: 12, uuid: 16, owner: 32, blkno: 40 };

/**
 * A symlink's target bytes: inline in the inode, or in "remote" blocks. On v5
 * each mapped run of remote blocks starts with a self-describing header (the
 * kernel's xfs_readlink_bmap reads them run by run), on v4 the blocks hold
 * the bare target.
 */
export async function readSymlink(volume: XfsVolume, inode: XfsInode): Promise<Uint8Array> {
  const { ino, size } = inode;
  const fail = (why: string): never => {
    throw new InspectError("corrupt", `The XFS symlink inode ${ino} is corrupt: ${why}.`);
  };
  if (size < 1 || size > MAX_SYMLINK_LENGTH) fail(`a target of ${size} bytes`);
  let target: Uint8Array;
  if (inode.format === ForkFormat.Local) {
    target = inode.dataFork.subarray(0, size);
  } else {
    const { blockSize } = volume.sb;
    const header = volume.isV5 ? V5_HEADER : 0;
    const blocks = Math.ceil(size / (blockSize - header));
    target = new Uint8Array(size);
    let done = 0;
    let next = 0;
    for await (const extent of new ForkMap(volume, inode).from(0)) {
      if (next >= blocks) break;
      if (extent.fileBlock !== next || extent.unwritten) fail("its target blocks are not all written");
      const count = Math.min(extent.length, blocks - next);
      const offset = volume.blockOffset(extent.fsblock);
      const bytes = await volume.metadataBlock(`symlink:${ino}`, [{ offset, length: count * blockSize }], (data) => {
        if (!volume.isV5) return;
        if (new BigEndian(data).u32(0) !== SYMLINK_MAGIC) fail("a remote block without its header");
        volume.verifyV5Header(data, V5_LAYOUT, offset, ino, `symlink block of inode ${ino}`);
      });
      const length = Math.min(count * blockSize - header, size - done);
      if (volume.isV5) {
        const view = new BigEndian(bytes);
        if (view.u32(4) !== done || view.u32(8) !== length) fail("a remote block header that does not match its place");
      }
      target.set(bytes.subarray(header, header + length), done);
      done += length;
      next += count;
    }
    if (done < size) fail("its target blocks are missing");
  }
  if (target.includes(0)) fail("a NUL byte in its target");
  return target;
}
