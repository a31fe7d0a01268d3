import type { RandomAccessReader } from "../../reader";
import type { DirEntry, FileStat, FileSystem } from "../file-system";
import type { FileSystemKind } from "../../report";
import { u32le } from "../../binary";
import { decodeName, hiLo } from "./bytes";
import type { BlockMap } from "./block-map";
import { entryType, parseEntries, type RawEntry } from "./directory-entries";
import { checkBlockRange, type ExtContext, readMetaBlock } from "./ext-context";
import { corrupt, extError } from "./ext-error";
import { ExtentTree, type ExtentNode } from "./extent-tree";
import { COMPAT, INCOMPAT, INODE_FLAG } from "./features";
import { indexLookup } from "./htree";
import { IndirectBlocks } from "./indirect-blocks";
import { inlineContent } from "./inline-data";
import { hasFlag, iBlock, I_BLOCK_SIZE, type Inode, parseInode, ROOT_INODE } from "./inode";
import { LruCache } from "../../../lru";
import { forgetOnFailure, memoize } from "./memoize";
import { PageCache } from "./page-cache";
import { descriptorLocation, type Superblock } from "./superblock";

/** Bounds on what one call may allocate or read, whatever the image claims. */
export const LIMITS = {
  /** Bytes one read() may return. */
  readBytes: 256 * 1024 * 1024,
  /** Size of a directory this reader lists or searches. */
  directoryBytes: 128 * 1024 * 1024,
  /** Entries one readdir() may return. */
  directoryEntries: 1_000_000,
  /** The page cache for metadata. */
  metadataCacheBytes: 16 * 1024 * 1024,
  /** Decoded inodes kept. */
  cachedInodes: 8192,
  /** Extent-tree entries kept in decoded nodes. */
  cachedExtentEntries: 262_144,
  /** Directory entries kept in the name indexes of linearly searched directories. */
  cachedDirectoryEntries: 262_144,
  /** Longest symlink target read (PATH_MAX is 4096; ext4 allows up to a block). */
  symlinkBytes: 65_536,
} as const;

/** Directory contents are read in runs of up to this many bytes. */
const DIRECTORY_CHUNK = 1024 * 1024;

interface NameIndex {
  entries: Map<string, RawEntryRef>;
}

interface RawEntryRef {
  inode: number;
  fileType: number;
}

/**
 * A read-only ext2/ext3/ext4 file system at the inode level (refs are inode numbers). Built by
 * openExtFileSystem, which checks the superblock; everything else is read on demand, through
 * bounded caches.
 */
export class ExtFileSystem implements FileSystem<number> {
  readonly kind: FileSystemKind;
  readonly uuid: string | null;
  readonly label: string | null;
  private readonly ctx: ExtContext;
  private readonly inodes = new LruCache<number, Promise<Inode>>(LIMITS.cachedInodes);
  private readonly extentNodes: LruCache<number, Promise<ExtentNode>>;
  /** Weighed by entry count once built (1 while building). */
  private readonly nameIndexes = new LruCache<number, Promise<NameIndex>>(LIMITS.cachedDirectoryEntries, (index) => this.indexWeights.get(index) ?? 1);
  private readonly indexWeights = new WeakMap<Promise<NameIndex>, number>();

  constructor(
    reader: RandomAccessReader,
    readonly superblock: Superblock,
    /** Blocks taken from the journal because the file system was not unmounted cleanly. */
    readonly replayedBlocks = 0,
  ) {
    this.ctx = { sb: superblock, reader, meta: new PageCache(reader, LIMITS.metadataCacheBytes) };
    // Weighed by the entries a node of this block size may hold.
    this.extentNodes = new LruCache(LIMITS.cachedExtentEntries, () => 1 + Math.floor(superblock.blockSize / 12));
    this.kind = superblock.kind;
    this.uuid = superblock.uuid;
    this.label = superblock.label;
  }

  root(): number {
    return ROOT_INODE;
  }

  async stat(ref: number): Promise<FileStat> {
    const inode = await this.inode(ref);
    return { type: inode.type, size: inode.size, mode: inode.mode & 0o7777, uid: inode.uid, gid: inode.gid, mtime: inode.mtime };
  }

  async readdir(dir: number): Promise<DirEntry<number>[]> {
    const inode = await this.directory(dir);
    const entries: DirEntry<number>[] = [];
    await this.forEachEntry(inode, (entry) => {
      if (entries.length >= LIMITS.directoryEntries) {
        throw extError("limit", `directory ${dir} has more than ${LIMITS.directoryEntries} entries.`);
      }
      entries.push({ name: decodeName(entry.name), ref: entry.inode, type: entryType(entry.fileType) });
    });
    return entries;
  }

  async lookup(dir: number, name: string): Promise<number | null> {
    if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) return null;
    const bytes = new TextEncoder().encode(name);
    if (bytes.length > 255) return null;
    const inode = await this.directory(dir);
    const folded = this.caseFolded(inode);
    if (!folded && !hasFlag(inode, INODE_FLAG.INLINE_DATA) && this.isIndexed(inode) && !name.includes("\uFFFD")) {
      const result = await indexLookup(this.ctx.sb, this.indexedDirectory(inode), bytes);
      if (result === "absent") return null;
      if (result !== "unusable") return result.found;
    }
    const index = await this.nameIndex(inode);
    return (index.entries.get(name) ?? (folded ? index.entries.get(foldCase(name)) : undefined))?.inode ?? null;
  }

  async readlink(ref: number): Promise<string> {
    const inode = await this.inode(ref);
    if (inode.type !== "symlink") throw extError("unsupported", `inode ${ref} is not a symbolic link.`);
    this.refuseEncrypted(inode);
    if (inode.size > LIMITS.symlinkBytes) throw corrupt(`symbolic link ${ref} claims a ${inode.size}-byte target.`);
    if (hasFlag(inode, INODE_FLAG.INLINE_DATA)) return decodeName(inlineContent(inode));
    if (this.isFastSymlink(inode)) {
      if (inode.size >= I_BLOCK_SIZE) throw corrupt(`fast symbolic link ${ref} claims a ${inode.size}-byte target.`);
      return decodeName(iBlock(inode).subarray(0, inode.size));
    }
    if (inode.size > this.ctx.sb.blockSize) throw corrupt(`symbolic link ${ref} is longer than a block.`);
    return decodeName(await this.readInode(inode, 0, inode.size));
  }

  async read(ref: number, offset: number, length: number): Promise<Uint8Array> {
    const inode = await this.inode(ref);
    this.refuseEncrypted(inode);
    return this.readInode(inode, offset, length);
  }

  /** The decoded inode `ino`, from the cache or its inode table. */
  inode(ino: number): Promise<Inode> {
    return memoize(this.inodes, ino, () => this.loadInode(ino));
  }

  private async loadInode(ino: number): Promise<Inode> {
    const { sb, meta } = this.ctx;
    if (!Number.isInteger(ino) || ino < 1 || ino > sb.inodesCount) throw corrupt(`inode ${ino} does not exist (${sb.inodesCount} inodes).`);
    const group = Math.floor((ino - 1) / sb.inodesPerGroup);
    const table = await this.inodeTable(group);
    const offset = table * sb.blockSize + ((ino - 1) % sb.inodesPerGroup) * sb.inodeSize;
    const raw = await meta.read(offset, sb.inodeSize, `inode ${ino}`);
    return parseInode(sb, ino, raw.slice());
  }

  private async inodeTable(group: number): Promise<number> {
    const { sb, meta } = this.ctx;
    const location = descriptorLocation(sb, group);
    checkBlockRange(this.ctx, location.block, 1, `the descriptor of block group ${group}`);
    const descriptor = await meta.read(location.block * sb.blockSize + location.offset, sb.descSize, `the descriptor of block group ${group}`);
    const table = hiLo(sb.descSize >= 64 ? u32le(descriptor, 0x28) : 0, u32le(descriptor, 0x8));
    checkBlockRange(this.ctx, table, Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize), `block group ${group}'s inode table`);
    return table;
  }

  private async directory(ref: number): Promise<Inode> {
    const inode = await this.inode(ref);
    if (inode.type !== "directory") throw extError("unsupported", `inode ${ref} is not a directory.`);
    this.refuseEncrypted(inode);
    return inode;
  }

  private refuseEncrypted(inode: Inode): void {
    if (hasFlag(inode, INODE_FLAG.ENCRYPT)) throw extError("unsupported", `inode ${inode.ino} is encrypted (fscrypt).`);
  }

  private isIndexed(inode: Inode): boolean {
    return (this.ctx.sb.compat & COMPAT.DIR_INDEX) !== 0 && hasFlag(inode, INODE_FLAG.INDEX);
  }

  private caseFolded(inode: Inode): boolean {
    return (this.ctx.sb.incompat & INCOMPAT.CASEFOLD) !== 0 && hasFlag(inode, INODE_FLAG.CASEFOLD);
  }

  /**
   * The kernel's test (ext4_inode_is_fast_symlink): a symlink that uses no blocks besides an
   * extended-attribute block keeps its target in i_block.
   */
  private isFastSymlink(inode: Inode): boolean {
    if (hasFlag(inode, INODE_FLAG.EA_INODE)) return inode.size > 0 && inode.size < I_BLOCK_SIZE;
    const attributeSectors = inode.fileAcl ? this.ctx.sb.clusterSize / 512 : 0;
    return inode.sectors - attributeSectors === 0;
  }

  /** One block of metadata, through the page cache. */
  metadataBlock(block: number, what: string): Promise<Uint8Array> {
    checkBlockRange(this.ctx, block, 1, what);
    return readMetaBlock(this.ctx, block, what);
  }

  /** The logical-to-physical block map of an inode (not for inline data). */
  blockMap(inode: Inode): BlockMap {
    return hasFlag(inode, INODE_FLAG.EXTENTS) ? new ExtentTree(this.ctx, this.extentNodes, inode) : new IndirectBlocks(this.ctx, inode);
  }

  /** Bytes [offset, offset + length) of the inode's contents, clipped to its size; holes read as zeros. */
  private async readInode(inode: Inode, offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isFinite(offset) || !Number.isFinite(length) || offset < 0 || length < 0) {
      throw extError("unsupported", `cannot read ${length} bytes at offset ${offset}.`);
    }
    const end = Math.min(inode.size, offset + length);
    if (end <= offset) return new Uint8Array(0);
    if (end - offset > LIMITS.readBytes) throw extError("limit", `reading ${end - offset} bytes at once is more than the ${LIMITS.readBytes} allowed.`);
    if (hasFlag(inode, INODE_FLAG.INLINE_DATA)) return inlineContent(inode).slice(offset, end);
    const { blockSize } = this.ctx.sb;
    const out = new Uint8Array(end - offset);
    const map = this.blockMap(inode);
    const lastBlock = Math.ceil(end / blockSize);
    for (let logical = Math.floor(offset / blockSize); logical < lastBlock;) {
      const run = await map.run(logical, lastBlock - logical);
      const count = Math.min(run.length, lastBlock - logical);
      if (run.physical !== null) {
        const from = Math.max(offset, logical * blockSize);
        const to = Math.min(end, (logical + count) * blockSize);
        const bytes = await this.readData(run.physical * blockSize + (from - logical * blockSize), to - from, inode.ino);
        out.set(bytes, from - offset);
      }
      logical += count;
    }
    return out;
  }

  private async readData(offset: number, length: number, ino: number): Promise<Uint8Array> {
    const bytes = await this.ctx.reader.read(offset, length);
    if (bytes.length < length) {
      throw extError("truncated", `the image ends inside the data of inode ${ino} (needed ${length} bytes at offset ${offset}).`);
    }
    return bytes;
  }

  /** Calls `visit` for every live entry of a directory but "." and "..". */
  private async forEachEntry(inode: Inode, visit: (entry: RawEntry) => void): Promise<void> {
    const where = `directory ${inode.ino}`;
    if (hasFlag(inode, INODE_FLAG.INLINE_DATA)) {
      // i_block starts with the parent's inode number; entries fill the rest, then system.data.
      const content = inlineContent(inode);
      parseEntries(this.ctx.sb, content.subarray(4, Math.min(I_BLOCK_SIZE, content.length)), where).forEach(visit);
      if (content.length > I_BLOCK_SIZE) parseEntries(this.ctx.sb, content.subarray(I_BLOCK_SIZE), where).forEach(visit);
      return;
    }
    const { blockSize } = this.ctx.sb;
    if (inode.size > LIMITS.directoryBytes) throw extError("limit", `${where} is ${inode.size} bytes, more than the ${LIMITS.directoryBytes} read.`);
    const blocks = Math.floor(inode.size / blockSize);
    const chunkBlocks = Math.max(1, Math.floor(DIRECTORY_CHUNK / blockSize));
    const map = this.blockMap(inode);
    for (let logical = 0; logical < blocks;) {
      const run = await map.run(logical, blocks - logical);
      const count = Math.min(run.length, blocks - logical);
      // Holes and unwritten extents hold no entries (the kernel's readdir skips them too).
      for (let done = 0; run.physical !== null && done < count;) {
        const n = Math.min(chunkBlocks, count - done);
        const bytes = await this.readData((run.physical + done) * blockSize, n * blockSize, inode.ino);
        for (let i = 0; i < n; i += 1) parseEntries(this.ctx.sb, bytes.subarray(i * blockSize, (i + 1) * blockSize), where).forEach(visit);
        done += n;
      }
      logical += count;
    }
  }

  /** A name -> entry map of a directory searched linearly, cached (within a bounded budget). */
  private nameIndex(inode: Inode): Promise<NameIndex> {
    const cached = this.nameIndexes.get(inode.ino);
    if (cached) return cached;
    const folded = this.caseFolded(inode);
    const building = (async () => {
      const entries = new Map<string, RawEntryRef>();
      await this.forEachEntry(inode, (entry) => {
        if (entries.size >= LIMITS.directoryEntries) throw extError("limit", `directory ${inode.ino} has more than ${LIMITS.directoryEntries} entries.`);
        const name = decodeName(entry.name);
        const ref = { inode: entry.inode, fileType: entry.fileType };
        if (!entries.has(name)) entries.set(name, ref);
        if (folded && !entries.has(foldCase(name))) entries.set(foldCase(name), ref);
      });
      return { entries };
    })();
    // Stored before its size is known, and stored again (weighed) once built.
    this.nameIndexes.set(inode.ino, building);
    forgetOnFailure(this.nameIndexes, inode.ino, building);
    void building.then(
      (index) => {
        this.indexWeights.set(building, 1 + index.entries.size);
        if (this.nameIndexes.get(inode.ino) === building) this.nameIndexes.set(inode.ino, building);
      },
      () => undefined,
    );
    return building;
  }

  private indexedDirectory(inode: Inode) {
    const { sb, meta } = this.ctx;
    const map = this.blockMap(inode);
    return {
      ino: inode.ino,
      blocks: Math.floor(Math.min(inode.size, LIMITS.directoryBytes) / sb.blockSize),
      block: async (logical: number) => {
        const run = await map.run(logical, 1);
        if (run.physical === null) throw corrupt(`directory ${inode.ino} has a hole at block ${logical}.`);
        return meta.read(run.physical * sb.blockSize, sb.blockSize, `block ${logical} of directory ${inode.ino}`);
      },
    };
  }
}

/**
 * An approximation of the kernel's utf8 case folding (NFD, then full case folding) for
 * case-insensitive directories: exact for ASCII and the common scripts.
 */
function foldCase(name: string): string {
  return name.normalize("NFD").toUpperCase().toLowerCase().normalize("NFD");
}
