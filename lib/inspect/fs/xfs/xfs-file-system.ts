import { InspectError } from "../../errors";
import type { DirEntry, FileStat, FileSystem } from "../file-system";
import { decodeName } from "./bytes";
import { XfsDirectory } from "./directory";
import { ForkMap } from "./fork-map";
import { parseInode, type XfsInode } from "./inode";
import { LruCache } from "../../../lru";
import { readSymlink } from "./symlink";
import type { XfsVolume } from "./volume";

const INODE_CACHE_ENTRIES = 4096;
/** The most one read() returns; callers read large files piece by piece. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

const utf8 = new TextEncoder();

/** A read-only XFS file system (v4 and v5); refs are inode numbers. */
export class XfsFileSystem implements FileSystem<number> {
  readonly kind = "xfs" as const;
  readonly uuid: string;
  readonly label: string | null;
  private readonly inodes = new LruCache<number, XfsInode>(INODE_CACHE_ENTRIES);

  constructor(private readonly volume: XfsVolume) {
    this.uuid = volume.sb.uuid;
    this.label = volume.sb.label;
  }

  root(): number {
    return this.volume.sb.rootIno;
  }

  async stat(ref: number): Promise<FileStat> {
    const inode = await this.inode(ref);
    return { type: inode.type, size: inode.size, mode: inode.permissions, uid: inode.uid, gid: inode.gid, mtime: inode.mtime };
  }

  async readdir(dir: number): Promise<DirEntry<number>[]> {
    const records = await this.directory(dir).then((directory) => directory.entries());
    return records.map((record) => ({ name: decodeName(record.name), ref: this.checkedIno(record.ino, dir), type: record.type }));
  }

  async lookup(dir: number, name: string): Promise<number | null> {
    if (name === "" || name.includes("/")) return null;
    const found = await this.directory(dir).then((directory) => directory.lookup(utf8.encode(name)));
    return found === null ? null : this.checkedIno(found, dir);
  }

  async readlink(ref: number): Promise<string> {
    const inode = await this.inode(ref);
    if (inode.type !== "symlink") throw new InspectError("unsupported", `XFS inode ${ref} is not a symlink.`);
    return decodeName(await readSymlink(this.volume, inode));
  }

  async read(ref: number, offset: number, length: number): Promise<Uint8Array> {
    const inode = await this.inode(ref);
    if (inode.type !== "file") throw new InspectError("unsupported", `XFS inode ${ref} is not a regular file.`);
    if (inode.realtime) throw new InspectError("unsupported", `XFS inode ${ref} keeps its data on a realtime device, which is not read.`);
    const wanted = Math.max(0, Math.min(length, inode.size - offset));
    if (wanted > MAX_READ_BYTES) throw new InspectError("limit", `Reading ${wanted} bytes at once is more than the ${MAX_READ_BYTES} allowed.`);
    if (wanted === 0) return new Uint8Array(0);
    return new ForkMap(this.volume, inode).readBytes(offset, wanted);
  }

  /** The decoded inode (cached). */
  async inode(ino: number): Promise<XfsInode> {
    const cached = this.inodes.get(ino);
    if (cached) return cached;
    const { blockSize, inodeSize } = this.volume.sb;
    const offset = this.volume.inodeOffset(ino);
    const blockStart = offset - (offset % blockSize);
    const block = await this.volume.metadataBlock("inodes", [{ offset: blockStart, length: blockSize }], () => {});
    const inode = parseInode(this.volume, ino, block.subarray(offset - blockStart, offset - blockStart + inodeSize));
    this.inodes.set(ino, inode);
    return inode;
  }

  private async directory(ino: number): Promise<XfsDirectory> {
    const inode = await this.inode(ino);
    if (inode.type !== "directory") throw new InspectError("unsupported", `XFS inode ${ino} is not a directory.`);
    return new XfsDirectory(this.volume, inode);
  }

  private checkedIno(ino: number, dir: number): number {
    if (!this.volume.isValidIno(ino)) throw new InspectError("corrupt", `XFS directory inode ${dir} has an entry for inode ${ino}, outside the file system.`);
    return ino;
  }
}
