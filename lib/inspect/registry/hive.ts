import { latin1, u32le, u8 } from "../binary";
import { readExact, type RandomAccessReader } from "../reader";
import { memoize } from "../fs/ext/memoize";
import { LruCache } from "../../lru";
import { REGF } from "./regf-errors";

/** The base block is 4 KiB; hive bins follow it and cell offsets count from there. */
const BASE_BLOCK = 4096;
const PAGE = 4096;
const CACHED_PAGES = 1024;
/** Windows allocates no cell larger than this outside big-data segments (and none above 1 MiB in practice). */
export const MAX_CELL = 16 * 1024 * 1024;
/** The "no cell" offset. */
export const NO_CELL = 0xffffffff;

/** What the base block says. */
export interface HiveHeader {
  major: number;
  minor: number;
  rootCell: number;
  binsSize: number;
  /** The primary and secondary sequence numbers differ: the last write did not finish and the transaction logs (.LOG1, .LOG2) hold changes the file lacks. */
  dirty: boolean;
}

/** The XOR of the first 127 32-bit words, with 0 and ~0 avoided as Windows does. */
export function headerChecksum(block: Uint8Array): number {
  let sum = 0;
  for (let at = 0; at < 0x1fc; at += 4) sum ^= u32le(block, at);
  sum >>>= 0;
  return sum === 0xffffffff ? 0xfffffffe : sum === 0 ? 1 : sum;
}

/**
 * The cells of a registry hive file (regf), read on demand through a bounded cache of 4 KiB
 * pages: a lookup reads the cells on its path, not the hive. Every cell offset is checked against
 * the bins' size and every cell against its own size before anything in it is trusted.
 */
export class HiveCells {
  private readonly pages = new LruCache<number, Promise<Uint8Array>>(CACHED_PAGES);

  private constructor(
    private readonly reader: RandomAccessReader,
    readonly header: HiveHeader,
    /** Names the hive in messages ("SYSTEM"). */
    readonly what: string,
  ) {}

  static async open(reader: RandomAccessReader, what: string): Promise<HiveCells> {
    const base = await readExact(reader, 0, BASE_BLOCK, `registry hive ${what}`).catch(() => {
      throw REGF.truncated({ what, offset: 0 });
    });
    if (latin1(base.subarray(0, 4)) !== "regf") throw REGF.not_a_hive({ what });
    const expected = headerChecksum(base);
    const found = u32le(base, 0x1fc);
    if (found !== expected) throw REGF.checksum_mismatch({ what, found: found.toString(16), expected: expected.toString(16) });
    const major = u32le(base, 0x14);
    const minor = u32le(base, 0x18);
    if (major !== 1 || minor < 3 || minor > 6) throw REGF.unsupported_version({ what, major, minor });
    const binsSize = u32le(base, 0x28);
    if (binsSize < PAGE || binsSize % PAGE !== 0) throw REGF.bins_invalid({ what, detail: `the hive bins claim ${binsSize} bytes` });
    if (BASE_BLOCK + binsSize > reader.size)
      throw REGF.bins_invalid({ what, detail: `the hive bins claim ${binsSize} bytes but the file holds ${reader.size - BASE_BLOCK}` });
    const header: HiveHeader = { major, minor, rootCell: u32le(base, 0x24), binsSize, dirty: u32le(base, 4) !== u32le(base, 8) };
    const cells = new HiveCells(reader, header, what);
    const bin = await cells.bytes(0, 32);
    if (latin1(bin.subarray(0, 4)) !== "hbin" || u32le(bin, 4) !== 0 || u32le(bin, 8) < PAGE || u32le(bin, 8) % PAGE !== 0) {
      throw REGF.bins_invalid({ what, detail: "the first hive bin has no valid header" });
    }
    return cells;
  }

  private page(index: number): Promise<Uint8Array> {
    return memoize(this.pages, index, () => this.reader.read(BASE_BLOCK + index * PAGE, PAGE));
  }

  /** `length` bytes at `offset` in the bins area. */
  private async bytes(offset: number, length: number): Promise<Uint8Array> {
    const first = Math.floor(offset / PAGE);
    const last = Math.floor((offset + length - 1) / PAGE);
    const pages = await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => this.page(first + i)));
    const out = new Uint8Array(length);
    let written = 0;
    for (let i = 0; i < pages.length && written < length; i++) {
      const from = i === 0 ? offset - first * PAGE : 0;
      const want = Math.min(PAGE - from, length - written);
      const chunk = pages[i].subarray(from, from + want);
      out.set(chunk, written);
      written += chunk.length;
      if (chunk.length < want) break;
    }
    if (written < length) throw REGF.truncated({ what: this.what, offset });
    return out;
  }

  /**
   * The data of the allocated cell at `offset` (after its 4-byte size). A cell must lie inside the
   * bins, be allocated (a negative size), a multiple of 8 bytes and at least `minimum` long.
   */
  async cell(offset: number, minimum = 0): Promise<Uint8Array> {
    const { what } = this;
    if (offset === NO_CELL || offset % 8 !== 0 || offset < 32 || offset + 8 > this.header.binsSize) {
      throw REGF.cell_invalid({ what, offset, detail: "lies outside the hive bins" });
    }
    const head = await this.bytes(offset, 4);
    const raw = u32le(head, 0);
    if ((raw & 0x80000000) === 0) throw REGF.cell_invalid({ what, offset, detail: "is free, yet something points to it" });
    const size = 0x100000000 - raw;
    if (size < 8 || size % 8 !== 0 || size > MAX_CELL || offset + size > this.header.binsSize) {
      throw REGF.cell_invalid({ what, offset, detail: `claims ${size} bytes` });
    }
    if (size - 4 < minimum) throw REGF.cell_invalid({ what, offset, detail: `is ${size} bytes, too small for what it holds` });
    return this.bytes(offset + 4, size - 4);
  }

  /** The two-letter signature of a cell's data ("nk", "vk", "lh", ...). */
  static signature(data: Uint8Array): string {
    return String.fromCharCode(u8(data, 0), u8(data, 1));
  }
}
