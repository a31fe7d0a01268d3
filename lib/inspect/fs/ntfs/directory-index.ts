import { u16le, u32le, u8, utf16le } from "../../binary";
import { ATTR, isAttribute, type NonResidentAttribute, type ResidentAttribute } from "./attributes";
import { applyFixups } from "./fixups";
import { recordNumber, recordSequence } from "./mft-record";
import { NTFS } from "./ntfs-errors";
import type { UpCase } from "./upcase";
import type { NtfsNode, NtfsVolume } from "./volume";

/** Bounds on directory walks. */
export const INDEX_LIMITS = {
  /** Windows' own trees stay a handful of levels deep even with millions of entries. */
  depth: 32,
  /** Entries one readdir returns. */
  entries: 1_000_000,
  /** The index allocation read whole for a listing. */
  listingBytes: 128 * 1024 * 1024,
} as const;

/** Name spaces of a $FILE_NAME: POSIX, Win32, DOS (8.3 only), Win32 and DOS in one. */
export const NAMESPACE = { posix: 0, win32: 1, dos: 2, win32AndDos: 3 } as const;

/** $FILE_NAME flags: the file is a directory; it carries a reparse point. */
const NAME_FLAG = { directory: 0x10000000, reparse: 0x0400 } as const;

export interface IndexEntry {
  record: number;
  sequence: number;
  name: string;
  namespace: number;
  directory: boolean;
  reparse: boolean;
  /** The VCN of the index block holding the names that sort before this one. */
  child: number | null;
}

interface IndexNode {
  entries: IndexEntry[];
  /** The child of the closing entry: the names that sort after every entry. */
  last: number | null;
}

const I30 = "$I30";

/** The entries of one index node (in $INDEX_ROOT or an INDX block), from its node header at `start`. */
function parseNode(bytes: Uint8Array, start: number, directory: number): IndexNode {
  const bad = (detail: string) => NTFS.index_invalid({ record: directory, detail });
  const first = start + u32le(bytes, start);
  const end = start + u32le(bytes, start + 4);
  if (end > bytes.length || first < start + 16 || first > end) throw bad("a node header points outside its node");
  const entries: IndexEntry[] = [];
  for (let at = first; ;) {
    if (at + 0x10 > end) throw bad("a node ends without its closing entry");
    const length = u16le(bytes, at + 8);
    const keyLength = u16le(bytes, at + 10);
    const flags = u16le(bytes, at + 12);
    if (length < 0x10 || length % 8 !== 0 || at + length > end) throw bad(`an entry at byte ${at} is ${length} bytes`);
    let child: number | null = null;
    if (flags & 1) {
      if (length < 0x18) throw bad(`an entry at byte ${at} has no room for its child`);
      child = u32le(bytes, at + length - 8) + u32le(bytes, at + length - 4) * 2 ** 32;
    }
    if (flags & 2) return { entries, last: child };
    if (keyLength < 0x42 || 0x10 + keyLength > length) throw bad(`an entry at byte ${at} has a ${keyLength}-byte key`);
    const key = at + 0x10;
    const nameLength = u8(bytes, key + 0x40);
    if (0x42 + 2 * nameLength > keyLength) throw bad(`the name of an entry at byte ${at} runs past its key`);
    const fileFlags = u32le(bytes, key + 0x38);
    entries.push({
      record: recordNumber(bytes, at),
      sequence: recordSequence(bytes, at),
      name: utf16le(bytes, key + 0x42, 2 * nameLength),
      namespace: u8(bytes, key + 0x41),
      directory: (fileFlags & NAME_FLAG.directory) !== 0,
      reparse: (fileFlags & NAME_FLAG.reparse) !== 0,
      child,
    });
    at += length;
  }
}

/**
 * A directory's $I30 index: a B+ tree whose root lives in the MFT record ($INDEX_ROOT) and whose
 * other nodes are INDX blocks in $INDEX_ALLOCATION, sorted by the $UpCase collation. Walks refuse
 * to visit a block twice or go deeper than INDEX_LIMITS.depth, so a damaged tree cannot loop.
 */
export class DirectoryIndex {
  private readonly root: ResidentAttribute;
  private readonly allocation: NonResidentAttribute | null;
  private readonly blockSize: number;
  /** Child pointers count clusters, or 512-byte units when blocks are smaller than a cluster. */
  private readonly vcnSize: number;

  constructor(
    private readonly volume: NtfsVolume,
    private readonly node: NtfsNode,
  ) {
    const root = node.attributes.find((a): a is ResidentAttribute => isAttribute(a, ATTR.indexRoot, I30) && a.resident);
    if (!root) throw NTFS.not_a_directory({ record: node.number });
    this.root = root;
    this.allocation = node.attributes.find((a): a is NonResidentAttribute => isAttribute(a, ATTR.indexAllocation, I30) && !a.resident) ?? null;
    this.blockSize = u32le(root.value, 8);
    if (this.blockSize < 512 || this.blockSize > 65536 || (this.blockSize & (this.blockSize - 1)) !== 0) {
      throw NTFS.index_invalid({ record: node.number, detail: `index blocks of ${this.blockSize} bytes` });
    }
    const cluster = volume.geometry.clusterSize;
    this.vcnSize = this.blockSize >= cluster ? cluster : 512;
  }

  private rootNode(): IndexNode {
    if (this.root.value.length < 0x20) throw NTFS.index_invalid({ record: this.node.number, detail: "the index root is cut short" });
    return parseNode(this.root.value, 0x10, this.node.number);
  }

  private async block(vcn: number, whole?: Uint8Array): Promise<IndexNode> {
    const number = this.node.number;
    const offset = vcn * this.vcnSize;
    if (!this.allocation) throw NTFS.index_invalid({ record: number, detail: `an entry points to block ${vcn} but the directory has no index allocation` });
    if (!Number.isSafeInteger(offset) || offset % this.blockSize !== 0 || offset + this.blockSize > this.allocation.dataSize) {
      throw NTFS.index_invalid({ record: number, detail: `block ${vcn} lies outside the index allocation` });
    }
    const what = `index block ${vcn} of MFT record ${number}`;
    const raw = whole ? whole.subarray(offset, offset + this.blockSize) : await this.volume.streams.read(this.allocation, offset, this.blockSize, what);
    const bytes = applyFixups(raw, "INDX", what);
    if (u32le(bytes, 0x10) + u32le(bytes, 0x14) * 2 ** 32 !== vcn)
      throw NTFS.index_invalid({ record: number, detail: `block ${vcn} says it is another block` });
    return parseNode(bytes, 0x18, number);
  }

  /** The entry for `name` (case-insensitive through $UpCase, DOS names included), or null. */
  async find(name: string, upcase: UpCase): Promise<IndexEntry | null> {
    let node = this.rootNode();
    const visited = new Set<number>();
    for (;;) {
      let child = node.last;
      let exact: IndexEntry | null = null;
      let folded: IndexEntry | null = null;
      for (const entry of node.entries) {
        const order = upcase.compare(name, entry.name);
        if (order === 0) {
          if (entry.name === name) exact ??= entry;
          folded ??= entry;
          continue;
        }
        if (order < 0) {
          child = entry.child;
          break;
        }
      }
      if (exact ?? folded) return exact ?? folded;
      if (child === null) return null;
      this.enter(visited, child, visited.size + 1);
      node = await this.block(child);
    }
  }

  /** Every entry of the directory, in index order. */
  async list(): Promise<IndexEntry[]> {
    const out: IndexEntry[] = [];
    const visited = new Set<number>();
    let whole: Uint8Array | undefined;
    if (this.allocation) {
      // A listing touches every block: one read of the allocation instead of one per block.
      const size = this.allocation.dataSize;
      if (size > INDEX_LIMITS.listingBytes)
        throw NTFS.too_large({ what: `the index of directory ${this.node.number}`, size, limit: INDEX_LIMITS.listingBytes });
      whole = await this.volume.streams.read(this.allocation, 0, size, `the index of MFT record ${this.node.number}`);
    }
    const visit = async (node: IndexNode, depth: number): Promise<void> => {
      const descend = async (vcn: number) => {
        this.enter(visited, vcn, depth + 1);
        await visit(await this.block(vcn, whole), depth + 1);
      };
      for (const entry of node.entries) {
        if (entry.child !== null) await descend(entry.child);
        if (out.length >= INDEX_LIMITS.entries) throw NTFS.directory_too_large({ record: this.node.number, limit: INDEX_LIMITS.entries });
        out.push(entry);
      }
      if (node.last !== null) await descend(node.last);
    };
    await visit(this.rootNode(), 0);
    return out;
  }

  /** Marks a block visited at `depth`: a second visit is a cycle, a depth past the limit a damaged tree. */
  private enter(visited: Set<number>, vcn: number, depth: number): void {
    if (visited.has(vcn)) throw NTFS.index_cycle({ record: this.node.number, vcn });
    if (depth > INDEX_LIMITS.depth) throw NTFS.index_too_deep({ record: this.node.number, depth: INDEX_LIMITS.depth });
    visited.add(vcn);
  }
}
