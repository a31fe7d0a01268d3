import { InspectError } from "./errors";
import type { RandomAccessReader } from "./reader";

const PAGE = 4096;
/** Reads larger than this bypass the page cache: table walks read each byte once. */
const CACHE_LIMIT = 64 * 1024;

/**
 * The image file as the format parsers see it: small reads go through a
 * bounded page cache, so probing a header from several parsers costs one
 * read of the underlying file.
 */
export class ByteSource {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(
    readonly reader: RandomAccessReader,
    private readonly maxPages = 256,
  ) {}

  get size(): number {
    return this.reader.size;
  }

  /** Up to `length` bytes at `offset`; shorter only at the end of the file. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.size || length <= 0) return new Uint8Array(0);
    const want = Math.min(length, this.size - offset);
    if (want > CACHE_LIMIT) return this.reader.read(offset, want);
    const first = Math.floor(offset / PAGE);
    const last = Math.floor((offset + want - 1) / PAGE);
    let missingFrom = -1;
    let missingTo = -1;
    for (let page = first; page <= last; page++) {
      if (this.pages.has(page)) continue;
      if (missingFrom < 0) missingFrom = page;
      missingTo = page;
    }
    if (missingFrom >= 0) {
      const start = missingFrom * PAGE;
      const bytes = await this.reader.read(start, (missingTo - missingFrom + 1) * PAGE);
      for (let page = missingFrom; page <= missingTo; page++) {
        const from = (page - missingFrom) * PAGE;
        if (from >= bytes.length) break;
        this.remember(page, bytes.subarray(from, Math.min(bytes.length, from + PAGE)));
      }
    }
    const out = new Uint8Array(want);
    let filled = 0;
    for (let page = first; page <= last && filled < want; page++) {
      const bytes = this.pages.get(page);
      if (!bytes) break;
      const from = page === first ? offset - page * PAGE : 0;
      const chunk = bytes.subarray(from, Math.min(bytes.length, from + want - filled));
      out.set(chunk, filled);
      filled += chunk.length;
      if (bytes.length < PAGE) break;
    }
    return filled === want ? out : out.subarray(0, filled);
  }

  /** Exactly `length` bytes at `offset`, or InspectError("truncated"). */
  async exact(offset: number, length: number, what: string): Promise<Uint8Array> {
    const bytes = await this.read(offset, length);
    if (bytes.length < length) {
      throw new InspectError("truncated", `The file ends inside the ${what} (it needs ${length} bytes at offset ${offset}; the file has ${this.size}).`);
    }
    return bytes;
  }

  private remember(page: number, bytes: Uint8Array): void {
    this.pages.delete(page);
    this.pages.set(page, bytes);
    if (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
  }
}
