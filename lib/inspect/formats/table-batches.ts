import { InspectError } from "../errors";
import type { ByteSource } from "../source";

/** One read covers at most this many bytes of tables. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Tables this close together are read in one go, the gap with them: cheaper than a read per table. */
const MAX_GAP_BYTES = 4096;
/** Directories (L1 tables, grain directories) are read in pieces of this size, never whole. */
const DIRECTORY_PIECE = 1024 * 1024;
/**
 * The most tables one walk visits: qemu's own bound on QCOW2 L1 entries
 * (32 MiB of 8-byte entries). A VMDK may claim up to 32 Mi grain tables;
 * more than this many is no real disk, and tracking them would take memory
 * an attacker chooses.
 */
export const MAX_WALK_TABLES = 4 * 1024 * 1024;

/**
 * Reads a directory of `entryBytes`-wide entries (an L1 table, a grain
 * directory) piece by piece and calls `visit` with each entry's index and the
 * piece holding it, so a 128 MiB directory never sits in memory at once.
 */
export async function readDirectory(
  src: ByteSource,
  offset: number,
  entries: number,
  entryBytes: number,
  what: string,
  visit: (index: number, piece: Uint8Array, at: number) => void,
): Promise<void> {
  const perPiece = Math.floor(DIRECTORY_PIECE / entryBytes);
  for (let first = 0; first < entries; first += perPiece) {
    const count = Math.min(perPiece, entries - first);
    const piece = await src.exact(offset + first * entryBytes, count * entryBytes, what);
    for (let i = 0; i < count; i++) visit(first + i, piece, i * entryBytes);
  }
}

/**
 * The tables a directory points to, as directory index and file offset, kept
 * in typed arrays (12 bytes a table, not an object and a map entry each).
 */
export class TableRefs {
  private readonly offsets: Float64Array;
  private readonly indices: Uint32Array;
  private count = 0;

  /** `capacity`: how many entries the directory has (at most MAX_WALK_TABLES are kept). */
  constructor(
    capacity: number,
    private readonly what: string,
  ) {
    const size = Math.min(capacity, MAX_WALK_TABLES);
    this.offsets = new Float64Array(size);
    this.indices = new Uint32Array(size);
  }

  get size(): number {
    return this.count;
  }

  /** Entries must be added in directory order. */
  add(index: number, offset: number): void {
    if (this.count >= this.offsets.length) {
      throw new InspectError(
        "limit",
        `The image points to more than ${MAX_WALK_TABLES.toLocaleString("en-US")} ${this.what}; no real disk has that many, and Hangar does not walk them.`,
      );
    }
    this.offsets[this.count] = offset;
    this.indices[this.count] = index;
    this.count++;
  }

  /**
   * The distinct tables in file order. Every entry that points to a table an
   * earlier entry already uses is passed to `shared` with that earlier
   * (owning) entry, and left out, so a hostile directory whose entries all
   * name one table costs one read.
   */
  distinct(shared: (index: number, offset: number, owner: number) => void): DistinctTables {
    const { offsets, indices } = this;
    let order = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = i;
    let sorted = true;
    for (let i = 1; i < this.count && sorted; i++) sorted = offsets[i - 1] < offsets[i];
    // Entries were added by increasing index, so equal offsets keep the owner first.
    if (!sorted) order = order.sort((a, b) => offsets[a] - offsets[b] || a - b);
    let kept = 0;
    for (let k = 0; k < order.length; k++) {
      const at = order[k];
      if (kept > 0 && offsets[order[kept - 1]] === offsets[at]) {
        shared(indices[at], offsets[at], indices[order[kept - 1]]);
        continue;
      }
      order[kept++] = at;
    }
    return { length: kept, index: (k) => indices[order[k]], offset: (k) => offsets[order[k]] };
  }
}

/** Distinct tables in file order: the k-th table's directory index and file offset. */
export interface DistinctTables {
  length: number;
  index(k: number): number;
  offset(k: number): number;
}

/**
 * Reads fixed-size tables (L2 tables, grain tables) in file order, tables
 * that lie back to back or a few KiB apart in one read, and calls `visit` for
 * each. Offsets must be distinct and the tables inside the file. Reads stay
 * near the tables: larger gaps (guest data) are never read.
 */
export async function visitTables(
  src: ByteSource,
  tables: DistinctTables,
  tableBytes: number,
  visit: (index: number, bytes: Uint8Array) => void,
  onProgress?: (done: number) => void,
): Promise<void> {
  for (let i = 0; i < tables.length;) {
    const start = tables.offset(i);
    let j = i + 1;
    while (
      j < tables.length &&
      tables.offset(j) - (tables.offset(j - 1) + tableBytes) <= MAX_GAP_BYTES &&
      tables.offset(j) + tableBytes - start <= MAX_BATCH_BYTES
    ) {
      j++;
    }
    const bytes = await src.read(start, tables.offset(j - 1) + tableBytes - start);
    for (let k = i; k < j; k++) {
      const from = tables.offset(k) - start;
      visit(tables.index(k), bytes.subarray(from, from + tableBytes));
    }
    onProgress?.(j);
    i = j;
  }
}
