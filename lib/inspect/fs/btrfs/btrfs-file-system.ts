import { InspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import type { DirEntry, FileStat, FileSystem, FileType } from "../file-system";
import { btrfsNameHash } from "./name-hash";
import { decompressExtent } from "./decompress";
import { LruCache } from "../../../lru";
import {
  DIR_INDEX_KEY,
  DIR_ITEM_KEY,
  type DirItem,
  EMPTY_SUBVOL_DIR_OBJECTID,
  EXTENT_DATA_KEY,
  type FileExtent,
  FIRST_FREE_OBJECTID,
  FS_TREE_OBJECTID,
  FT_DIR,
  FT_REG_FILE,
  FT_SYMLINK,
  INODE_ITEM_KEY,
  INODE_REF_KEY,
  type InodeItem,
  LAST_FREE_OBJECTID,
  MAX_COMPRESSED_EXTENT,
  parseDirItems,
  parseFileExtent,
  parseInodeItem,
  parseInodeRefName,
  parseRootRef,
  ROOT_BACKREF_KEY,
  ROOT_ITEM_KEY,
  ROOT_REF_KEY,
  ROOT_SUBVOL_RDONLY,
  ROOT_TREE_DIR_OBJECTID,
  sameBytes,
  toNumber,
  U64_MAX,
} from "./structures";
import type { TreeRoot } from "./tree";
import { BtrfsVolume } from "./volume";

/**
 * A file inside a btrfs: the subvolume (tree id) and the inode number in it.
 * Inode numbers repeat across subvolumes (every subvolume's top directory is
 * 256), so the tree id is part of the name.
 */
export interface BtrfsRef {
  readonly tree: bigint;
  readonly inode: bigint;
}

/** A subvolume as `btrfs subvolume list` shows it. */
export interface BtrfsSubvolume {
  id: bigint;
  /** The path from the top-level subvolume (id 5), without a leading slash, e.g. "@/.snapshots/1/snapshot". */
  path: string;
  /** The subvolume it sits in. */
  parentId: bigint;
  readOnly: boolean;
}

const MAX_DIR_ENTRIES = 1 << 20;
const MAX_SUBVOLUMES = 1 << 16;
const MAX_PATH_DEPTH = 4096;
/** The largest single read a caller may ask for. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;
const MAX_SYMLINK_TARGET = 4095;
/** Decompressed extents kept (at most 128 KiB each, so 8 MiB). */
const EXTENT_CACHE_ENTRIES = 64;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

const decoder = new TextDecoder("utf-8");
const encoder = new TextEncoder();

function typeOfMode(mode: number): FileType {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return "file";
    case S_IFDIR:
      return "directory";
    case S_IFLNK:
      return "symlink";
    default:
      return "other";
  }
}

function typeOfEntry(type: number): FileType {
  if (type === FT_REG_FILE) return "file";
  if (type === FT_DIR) return "directory";
  if (type === FT_SYMLINK) return "symlink";
  return "other";
}

const isSubvolumeId = (id: bigint) => id === FS_TREE_OBJECTID || (id >= FIRST_FREE_OBJECTID && id <= LAST_FREE_OBJECTID);

/** What every view of one btrfs shares: the device and the decompressed-extent cache. */
interface Shared {
  volume: BtrfsVolume;
  extents: LruCache<string, Uint8Array>;
  defaultSubvolumeId: bigint;
}

/**
 * A read-only view of a single-device btrfs rooted at one subvolume.
 * `openBtrfsFileSystem` roots it at the default subvolume (what a plain mount
 * shows); `subvolume(path)` and `subvolumeById(id)` give the view that
 * `mount -o subvol=PATH` / `subvolid=ID` shows, for /etc/fstab. Directory
 * entries that are subvolumes are crossed transparently, as the kernel does.
 */
export class BtrfsFileSystem implements FileSystem<BtrfsRef> {
  readonly kind = "btrfs" as const;
  readonly uuid: string;
  readonly label: string | null;
  /** The id of the default subvolume (`btrfs subvolume get-default`; 5 when none was set). */
  readonly defaultSubvolumeId: bigint;

  private constructor(
    private readonly shared: Shared,
    /** The id of the subvolume this view is rooted at. */
    readonly subvolumeId: bigint,
    private readonly rootDir: bigint,
  ) {
    this.uuid = shared.volume.superblock.uuid;
    this.label = shared.volume.superblock.label;
    this.defaultSubvolumeId = shared.defaultSubvolumeId;
  }

  /** @internal Use openBtrfsFileSystem. */
  static async open(reader: RandomAccessReader): Promise<BtrfsFileSystem | null> {
    const volume = await BtrfsVolume.open(reader);
    if (!volume) return null;
    const shared: Shared = { volume, extents: new LruCache(EXTENT_CACHE_ENTRIES), defaultSubvolumeId: await defaultSubvolume(volume) };
    const root = await volume.rootItem(shared.defaultSubvolumeId);
    if (!root) throw new InspectError("corrupt", `The default btrfs subvolume ${shared.defaultSubvolumeId} does not exist.`);
    return new BtrfsFileSystem(shared, shared.defaultSubvolumeId, root.rootDirid);
  }

  private get volume(): BtrfsVolume {
    return this.shared.volume;
  }

  root(): BtrfsRef {
    return { tree: this.subvolumeId, inode: this.rootDir };
  }

  /** The view rooted at subvolume `id` (as `subvolid=`), or null when there is no such subvolume. */
  async subvolumeById(id: bigint | number): Promise<BtrfsFileSystem | null> {
    const tree = BigInt(id);
    if (!isSubvolumeId(tree)) return null;
    const root = await this.volume.rootItem(tree);
    return root ? new BtrfsFileSystem(this.shared, tree, root.rootDirid) : null;
  }

  /**
   * The view rooted at the subvolume at `path`, relative to the top-level
   * subvolume (id 5) whatever the default is, as `mount -o subvol=PATH`
   * resolves it ("root", "/@/home" and "@/.snapshots/1/snapshot" all work).
   * Null when the path does not exist or names a directory that is not a
   * subvolume (the kernel refuses to mount those). Symlinks are not followed.
   */
  async subvolume(path: string): Promise<BtrfsFileSystem | null> {
    const top = await this.subvolumeById(FS_TREE_OBJECTID);
    if (!top) throw new InspectError("corrupt", "The top-level btrfs subvolume (5) is missing.");
    let ref = top.root();
    for (const name of path.split("/").filter((part) => part !== "" && part !== ".")) {
      if (name === "..") return null;
      const next = await this.lookup(ref, name);
      if (!next || (await this.stat(next)).type !== "directory") return null;
      ref = next;
    }
    const root = await this.volume.rootItem(ref.tree);
    return root && root.rootDirid === ref.inode ? new BtrfsFileSystem(this.shared, ref.tree, ref.inode) : null;
  }

  /** Every subvolume but the top level, with its path, in id order. */
  async subvolumes(): Promise<BtrfsSubvolume[]> {
    const { volume } = this;
    const backrefs = new Map<bigint, { parent: bigint; dirid: bigint; name: Uint8Array }>();
    const readOnly = new Map<bigint, boolean>();
    await volume.forEach(
      volume.rootTree,
      { objectid: FIRST_FREE_OBJECTID, type: 0, offset: 0n },
      { objectid: LAST_FREE_OBJECTID, type: 255, offset: U64_MAX },
      MAX_SUBVOLUMES * 4,
      async (item) => {
        if (item.key.type === ROOT_BACKREF_KEY) {
          const ref = parseRootRef(item.data);
          backrefs.set(item.key.objectid, { parent: item.key.offset, dirid: ref.dirid, name: ref.name });
        } else if (item.key.type === ROOT_ITEM_KEY) {
          const root = await volume.rootItem(item.key.objectid);
          if (root) readOnly.set(item.key.objectid, (root.flags & ROOT_SUBVOL_RDONLY) !== 0n);
        }
      },
    );
    const paths = new Map<bigint, string | null>([[FS_TREE_OBJECTID, ""]]);
    const pathOf = async (id: bigint, depth: number): Promise<string | null> => {
      const known = paths.get(id);
      if (known !== undefined) return known;
      if (depth > MAX_PATH_DEPTH) throw new InspectError("limit", `btrfs subvolume ${id} is nested more than ${MAX_PATH_DEPTH} deep.`);
      paths.set(id, null); // a cycle of back references resolves to "no path"
      const backref = backrefs.get(id);
      const parentPath = backref ? await pathOf(backref.parent, depth + 1) : null;
      let path: string | null = null;
      if (backref && parentPath !== null) {
        const dir = await this.directoryPath({ tree: backref.parent, inode: backref.dirid });
        path = [parentPath, dir, decoder.decode(backref.name)].filter((part) => part !== "").join("/");
      }
      paths.set(id, path);
      return path;
    };
    const list: BtrfsSubvolume[] = [];
    for (const [id, ro] of [...readOnly].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (id === FS_TREE_OBJECTID) continue;
      const path = await pathOf(id, 0);
      const backref = backrefs.get(id);
      if (path !== null && backref) list.push({ id, path, parentId: backref.parent, readOnly: ro });
    }
    return list;
  }

  /** The path of a directory from the top of its subvolume, following INODE_REFs ("" for the top). */
  private async directoryPath(dir: BtrfsRef): Promise<string> {
    const root = await this.treeOf(dir.tree);
    const top = (await this.volume.rootItem(dir.tree))?.rootDirid;
    const names: string[] = [];
    let inode = dir.inode;
    while (inode !== top) {
      if (names.length > MAX_PATH_DEPTH) throw new InspectError("limit", `A btrfs directory is nested more than ${MAX_PATH_DEPTH} deep.`);
      const item = await this.volume.cursor(root).seek({ objectid: inode, type: INODE_REF_KEY, offset: 0n }, "ge");
      if (!item || item.key.objectid !== inode || item.key.type !== INODE_REF_KEY) {
        throw new InspectError("corrupt", `btrfs inode ${inode} of subvolume ${dir.tree} has no parent reference.`);
      }
      names.unshift(decoder.decode(parseInodeRefName(item.data)));
      inode = item.key.offset;
    }
    return names.join("/");
  }

  private async treeOf(tree: bigint): Promise<TreeRoot> {
    const root = await this.volume.rootItem(tree);
    if (!root) throw new InspectError("corrupt", `btrfs subvolume ${tree} does not exist.`);
    return root;
  }

  private async inode(ref: BtrfsRef): Promise<InodeItem> {
    const item = await this.volume.find(await this.treeOf(ref.tree), { objectid: ref.inode, type: INODE_ITEM_KEY, offset: 0n });
    if (!item) throw new InspectError("corrupt", `btrfs inode ${ref.inode} of subvolume ${ref.tree} has no inode item.`);
    return parseInodeItem(item.data);
  }

  async stat(ref: BtrfsRef): Promise<FileStat> {
    if (ref.inode === EMPTY_SUBVOL_DIR_OBJECTID) return { type: "directory", size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0 };
    const inode = await this.inode(ref);
    return { type: typeOfMode(inode.mode), size: inode.size, mode: inode.mode & 0o7777, uid: inode.uid, gid: inode.gid, mtime: inode.mtime };
  }

  /**
   * Where a directory entry leads. An entry naming a subvolume (its location
   * is a ROOT_ITEM) leads to that subvolume's top directory when the root tree
   * holds the matching ROOT_REF; otherwise (the copy of a nested subvolume's
   * entry inside a snapshot) to an empty directory, as in the kernel.
   */
  private async follow(dir: BtrfsRef, entry: DirItem): Promise<BtrfsRef> {
    const { location } = entry;
    if (location.type === INODE_ITEM_KEY) return { tree: dir.tree, inode: location.objectid };
    if (location.type !== ROOT_ITEM_KEY) throw new InspectError("corrupt", `A btrfs directory entry points at an item of type ${location.type}.`);
    const empty = { tree: dir.tree, inode: EMPTY_SUBVOL_DIR_OBJECTID };
    const item = await this.volume.find(this.volume.rootTree, { objectid: dir.tree, type: ROOT_REF_KEY, offset: location.objectid });
    if (!item) return empty;
    const ref = parseRootRef(item.data);
    if (ref.dirid !== dir.inode || !sameBytes(ref.name, entry.name)) return empty;
    const root = await this.volume.rootItem(location.objectid);
    return root ? { tree: location.objectid, inode: root.rootDirid } : empty;
  }

  async readdir(dir: BtrfsRef): Promise<DirEntry<BtrfsRef>[]> {
    if (dir.inode === EMPTY_SUBVOL_DIR_OBJECTID) return [];
    const entries: DirEntry<BtrfsRef>[] = [];
    await this.volume.forEach(
      await this.treeOf(dir.tree),
      { objectid: dir.inode, type: DIR_INDEX_KEY, offset: 0n },
      { objectid: dir.inode, type: DIR_INDEX_KEY, offset: U64_MAX },
      MAX_DIR_ENTRIES,
      async (item) => {
        const entry = parseDirItems(item.data).at(0);
        if (!entry) throw new InspectError("corrupt", `An empty btrfs directory index item in directory ${dir.inode}.`);
        entries.push({ name: decoder.decode(entry.name), ref: await this.follow(dir, entry), type: typeOfEntry(entry.type) });
      },
    );
    return entries;
  }

  async lookup(dir: BtrfsRef, name: string): Promise<BtrfsRef | null> {
    if (dir.inode === EMPTY_SUBVOL_DIR_OBJECTID || name === "." || name === ".." || name.includes("/")) return null;
    const bytes = encoder.encode(name);
    if (bytes.length === 0 || bytes.length > 255) return null;
    const item = await this.volume.find(await this.treeOf(dir.tree), { objectid: dir.inode, type: DIR_ITEM_KEY, offset: BigInt(btrfsNameHash(bytes)) });
    if (!item) return null;
    const entry = parseDirItems(item.data).find((candidate) => sameBytes(candidate.name, bytes));
    return entry ? this.follow(dir, entry) : null;
  }

  async readlink(ref: BtrfsRef): Promise<string> {
    const inode = await this.inode(ref);
    if (typeOfMode(inode.mode) !== "symlink") throw new InspectError("corrupt", `btrfs inode ${ref.inode} is not a symlink.`);
    if (inode.size > MAX_SYMLINK_TARGET) throw new InspectError("corrupt", `The btrfs symlink ${ref.inode} is ${inode.size} bytes long.`);
    return decoder.decode(await this.readRange(ref, 0, inode.size));
  }

  async read(ref: BtrfsRef, offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length <= 0) return new Uint8Array(0);
    const inode = await this.inode(ref);
    const end = Math.min(inode.size, offset + length);
    if (end <= offset || typeOfMode(inode.mode) === "directory") return new Uint8Array(0);
    if (end - offset > MAX_READ_BYTES) throw new InspectError("limit", `Reading ${end - offset} bytes at once is more than the ${MAX_READ_BYTES} allowed.`);
    return this.readRange(ref, offset, end);
  }

  /**
   * Bytes [start, end) of a file from its EXTENT_DATA items: the item at or
   * before `start` and those after it, stopping at `end`. Gaps (NO_HOLES),
   * hole extents and preallocated extents read as zeros.
   */
  private async readRange(ref: BtrfsRef, start: number, end: number): Promise<Uint8Array> {
    const out = new Uint8Array(end - start);
    const cursor = this.volume.cursor(await this.treeOf(ref.tree));
    const isExtent = (key: { objectid: bigint; type: number }) => key.objectid === ref.inode && key.type === EXTENT_DATA_KEY;
    let item = await cursor.seek({ objectid: ref.inode, type: EXTENT_DATA_KEY, offset: BigInt(start) }, "le");
    if (!item || !isExtent(item.key)) item = await cursor.seek({ objectid: ref.inode, type: EXTENT_DATA_KEY, offset: 0n }, "ge");
    // File extents start on sector boundaries, so a range can meet only this many of them.
    const maxItems = Math.ceil((end - start) / this.volume.superblock.sectorSize) + 2;
    for (let count = 0; item && isExtent(item.key) && item.key.offset < BigInt(end); item = await cursor.next()) {
      if (++count > maxItems) throw new InspectError("corrupt", `btrfs inode ${ref.inode} has overlapping file extents.`);
      await this.copyExtent(parseFileExtent(item.data), toNumber(item.key.offset, "file offset"), out, start, end);
    }
    return out;
  }

  private async copyExtent(extent: FileExtent, fileOffset: number, out: Uint8Array, start: number, end: number): Promise<void> {
    const length = extent.kind === "inline" ? extent.ramBytes : extent.numBytes;
    const from = Math.max(start, fileOffset);
    const to = Math.min(end, fileOffset + length);
    if (to <= from) return;
    if (extent.kind === "inline") {
      if (extent.ramBytes > MAX_COMPRESSED_EXTENT) throw new InspectError("corrupt", `A btrfs inline extent claims ${extent.ramBytes} bytes.`);
      const data = decompressExtent(extent.compression, extent.data, extent.ramBytes, this.volume.superblock.sectorSize);
      out.set(data.subarray(from - fileOffset, to - fileOffset), from - start);
      return;
    }
    if (extent.kind === "prealloc" || extent.diskBytenr === 0) return;
    if (extent.compression === 0) {
      out.set(await this.volume.readLogical(extent.diskBytenr + extent.offset + (from - fileOffset), to - from, "btrfs file data"), from - start);
      return;
    }
    const data = await this.decompressed(extent);
    const at = extent.offset + (from - fileOffset);
    out.set(data.subarray(at, at + (to - from)), from - start);
  }

  private async decompressed(extent: Extract<FileExtent, { kind: "regular" | "prealloc" }>): Promise<Uint8Array> {
    const key = `${extent.diskBytenr}:${extent.diskNumBytes}:${extent.compression}:${extent.ramBytes}`;
    const cached = this.shared.extents.get(key);
    if (cached) return cached;
    if (extent.diskNumBytes > MAX_COMPRESSED_EXTENT || extent.ramBytes > MAX_COMPRESSED_EXTENT) {
      throw new InspectError(
        "corrupt",
        `A btrfs compressed extent claims ${extent.diskNumBytes} bytes on disk and ${extent.ramBytes} decompressed (at most ${MAX_COMPRESSED_EXTENT}).`,
      );
    }
    const raw = await this.volume.readLogical(extent.diskBytenr, extent.diskNumBytes, "btrfs compressed extent");
    const data = decompressExtent(extent.compression, raw, extent.ramBytes, this.volume.superblock.sectorSize);
    this.shared.extents.set(key, data);
    return data;
  }
}

/** The subvolume a plain mount shows: the root tree's "default" entry, else the top level (5). */
async function defaultSubvolume(volume: BtrfsVolume): Promise<bigint> {
  const name = encoder.encode("default");
  const item = await volume.find(volume.rootTree, { objectid: ROOT_TREE_DIR_OBJECTID, type: DIR_ITEM_KEY, offset: BigInt(btrfsNameHash(name)) });
  const entry = item ? parseDirItems(item.data).find((candidate) => sameBytes(candidate.name, name)) : undefined;
  return entry && isSubvolumeId(entry.location.objectid) ? entry.location.objectid : FS_TREE_OBJECTID;
}
