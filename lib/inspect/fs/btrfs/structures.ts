import { InspectError } from "../../errors";

/**
 * On-disk constants and item layouts of btrfs, from the kernel's
 * include/uapi/linux/btrfs_tree.h and the "On-disk format" documentation.
 * Everything is little-endian; object ids and key offsets are u64 and kept
 * as bigint, because the reserved ids (-5, -9, ...) do not fit a double.
 */

export const SUPERBLOCK_SIZE = 4096;
export const SUPERBLOCK_OFFSETS = [0x10000, 0x4000000, 0x4000000000] as const;
export const MAGIC = "_BHRfS_M";
export const HEADER_SIZE = 101;
export const ITEM_SIZE = 25;
export const KEY_PTR_SIZE = 33;
export const DISK_KEY_SIZE = 17;
export const MAX_LEVEL = 8;

// Tree and object ids.
export const ROOT_TREE_OBJECTID = 1n;
export const CHUNK_TREE_OBJECTID = 3n;
export const FS_TREE_OBJECTID = 5n;
export const ROOT_TREE_DIR_OBJECTID = 6n;
export const FIRST_FREE_OBJECTID = 256n;
export const LAST_FREE_OBJECTID = 0xffffffffffffff00n; // -256ULL
export const FIRST_CHUNK_TREE_OBJECTID = 256n;
export const DEV_ITEMS_OBJECTID = 1n;
/** The inode number of the empty directory that stands in for a subvolume without a back reference. */
export const EMPTY_SUBVOL_DIR_OBJECTID = 2n;
export const U64_MAX = 0xffffffffffffffffn;

// Item types.
export const INODE_ITEM_KEY = 1;
export const INODE_REF_KEY = 12;
export const INODE_EXTREF_KEY = 13;
export const DIR_ITEM_KEY = 84;
export const DIR_INDEX_KEY = 96;
export const EXTENT_DATA_KEY = 108;
export const ROOT_ITEM_KEY = 132;
export const ROOT_BACKREF_KEY = 144;
export const ROOT_REF_KEY = 156;
export const DEV_ITEM_KEY = 216;
export const CHUNK_ITEM_KEY = 228;

// Block-group profile bits of a chunk's type.
export const BLOCK_GROUP_RAID0 = 1n << 3n;
export const BLOCK_GROUP_DUP = 1n << 5n;
export const BLOCK_GROUP_PROFILES: [bigint, string][] = [
  [1n << 3n, "RAID0"],
  [1n << 4n, "RAID1"],
  [1n << 6n, "RAID10"],
  [1n << 7n, "RAID5"],
  [1n << 8n, "RAID6"],
  [1n << 9n, "RAID1C3"],
  [1n << 10n, "RAID1C4"],
];

// Superblock incompat flags this reader understands (others are "unsupported").
export const INCOMPAT_METADATA_UUID = 1n << 10n;
export const INCOMPAT_KNOWN =
  (1n << 0n) | // MIXED_BACKREF
  (1n << 1n) | // DEFAULT_SUBVOL
  (1n << 2n) | // MIXED_GROUPS
  (1n << 3n) | // COMPRESS_LZO
  (1n << 4n) | // COMPRESS_ZSTD
  (1n << 5n) | // BIG_METADATA
  (1n << 6n) | // EXTENDED_IREF
  (1n << 7n) | // RAID56 (rejected per chunk)
  (1n << 8n) | // SKINNY_METADATA
  (1n << 9n) | // NO_HOLES
  INCOMPAT_METADATA_UUID |
  (1n << 11n) | // RAID1C34 (rejected per chunk)
  (1n << 12n) | // ZONED
  (1n << 16n); // SIMPLE_QUOTA
export const INCOMPAT_NAMES: [bigint, string][] = [
  [1n << 13n, "extent-tree-v2"],
  [1n << 14n, "raid-stripe-tree"],
];

export const CSUM_TYPES = ["crc32c", "xxhash64", "sha256", "blake2b"] as const;
export type CsumType = (typeof CSUM_TYPES)[number];

// File types of a directory entry (BTRFS_FT_*).
export const FT_REG_FILE = 1;
export const FT_DIR = 2;
export const FT_SYMLINK = 7;

// Extent data.
export const FILE_EXTENT_INLINE = 0;
export const FILE_EXTENT_REG = 1;
export const FILE_EXTENT_PREALLOC = 2;
export const COMPRESS_NONE = 0;
export const COMPRESS_ZLIB = 1;
export const COMPRESS_LZO = 2;
export const COMPRESS_ZSTD = 3;
/** BTRFS_MAX_UNCOMPRESSED / BTRFS_MAX_COMPRESSED: no compressed extent is larger. */
export const MAX_COMPRESSED_EXTENT = 128 * 1024;

export interface Key {
  objectid: bigint;
  type: number;
  offset: bigint;
}

export function compareKeys(a: Key, b: Key): number {
  if (a.objectid !== b.objectid) return a.objectid < b.objectid ? -1 : 1;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  if (a.offset !== b.offset) return a.offset < b.offset ? -1 : 1;
  return 0;
}

export const formatKey = (key: Key) => `(${key.objectid} ${key.type} ${key.offset})`;

/** Little-endian field access over a byte array, with every read bounds-checked. */
export class Fields {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private check(offset: number, length: number): void {
    if (offset < 0 || offset + length > this.bytes.length) {
      throw new InspectError("corrupt", `The btrfs ${this.what} is too short (${this.bytes.length} bytes; a field at ${offset} needs ${length}).`);
    }
  }

  u8(offset: number): number {
    this.check(offset, 1);
    return this.bytes[offset];
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.view.getUint32(offset, true);
  }

  u64(offset: number): bigint {
    this.check(offset, 8);
    return this.view.getBigUint64(offset, true);
  }

  /** A u64 that must fit a JavaScript number (a byte address or length). */
  num(offset: number, field: string): number {
    return toNumber(this.u64(offset), `${this.what} ${field}`);
  }

  slice(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.bytes.subarray(offset, offset + length);
  }

  key(offset: number): Key {
    return { objectid: this.u64(offset), type: this.u8(offset + 8), offset: this.u64(offset + 9) };
  }
}

export function toNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InspectError("unsupported", `The btrfs ${what} (${value}) is beyond 2^53 bytes, which this reader does not address.`);
  }
  return Number(value);
}

export function formatUuid(bytes: Uint8Array): string {
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** struct btrfs_inode_item (160 bytes). */
export interface InodeItem {
  size: number;
  nlink: number;
  uid: number;
  gid: number;
  mode: number;
  mtime: number;
}

export function parseInodeItem(bytes: Uint8Array): InodeItem {
  const f = new Fields(bytes, "inode item");
  return {
    size: f.num(16, "size"),
    nlink: f.u32(40),
    uid: f.u32(44),
    gid: f.u32(48),
    mode: f.u32(52),
    mtime: Number(BigInt.asIntN(64, f.u64(136))),
  };
}

/** struct btrfs_dir_item followed by its name; one item may pack several (hash collisions). */
export interface DirItem {
  location: Key;
  type: number;
  name: Uint8Array;
}

export function parseDirItems(bytes: Uint8Array): DirItem[] {
  const f = new Fields(bytes, "directory item");
  const items: DirItem[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const dataLength = f.u16(offset + 25);
    const nameLength = f.u16(offset + 27);
    const type = f.u8(offset + 29);
    const name = f.slice(offset + 30, nameLength);
    f.slice(offset + 30 + nameLength, dataLength);
    items.push({ location: f.key(offset), type, name });
    offset += 30 + nameLength + dataLength;
  }
  return items;
}

/** struct btrfs_root_item: where a tree's root block is and which inode is its top directory. */
export interface RootItem {
  rootDirid: bigint;
  bytenr: number;
  level: number;
  flags: bigint;
  refs: number;
}

export const ROOT_SUBVOL_RDONLY = 1n;

export function parseRootItem(bytes: Uint8Array): RootItem {
  const f = new Fields(bytes, "root item");
  return { rootDirid: f.u64(168), bytenr: f.num(176, "root block address"), flags: f.u64(208), refs: f.u32(216), level: f.u8(238) };
}

/** struct btrfs_root_ref (ROOT_REF and ROOT_BACKREF): the directory and name under which a subvolume appears. */
export interface RootRef {
  dirid: bigint;
  name: Uint8Array;
}

export function parseRootRef(bytes: Uint8Array): RootRef {
  const f = new Fields(bytes, "root reference");
  return { dirid: f.u64(0), name: f.slice(18, f.u16(16)) };
}

/** The first name of an INODE_REF item (an item may hold several hard links in the same directory). */
export function parseInodeRefName(bytes: Uint8Array): Uint8Array {
  const f = new Fields(bytes, "inode reference");
  return f.slice(10, f.u16(8));
}

/** struct btrfs_file_extent_item. */
export type FileExtent =
  | { kind: "inline"; ramBytes: number; compression: number; data: Uint8Array }
  | {
      kind: "regular" | "prealloc";
      ramBytes: number;
      compression: number;
      diskBytenr: number;
      diskNumBytes: number;
      offset: number;
      numBytes: number;
    };

export function parseFileExtent(bytes: Uint8Array): FileExtent {
  const f = new Fields(bytes, "file extent item");
  const ramBytes = f.num(8, "decompressed size");
  const compression = f.u8(16);
  const encryption = f.u8(17);
  const otherEncoding = f.u16(18);
  const type = f.u8(20);
  if (encryption !== 0 || otherEncoding !== 0) {
    throw new InspectError("unsupported", `A btrfs file extent uses encryption ${encryption} / encoding ${otherEncoding}, which this reader does not decode.`);
  }
  if (type === FILE_EXTENT_INLINE) return { kind: "inline", ramBytes, compression, data: bytes.subarray(21) };
  if (type !== FILE_EXTENT_REG && type !== FILE_EXTENT_PREALLOC) throw new InspectError("corrupt", `A btrfs file extent has the unknown type ${type}.`);
  return {
    kind: type === FILE_EXTENT_REG ? "regular" : "prealloc",
    ramBytes,
    compression,
    diskBytenr: f.num(21, "extent address"),
    diskNumBytes: f.num(29, "extent length"),
    offset: f.num(37, "extent offset"),
    numBytes: f.num(45, "extent size"),
  };
}
