import type { RandomAccessReader } from "../../reader";
import { extError } from "./ext-error";
import { LruCache } from "../../../lru";
import { forgetOnFailure } from "./memoize";

const PAGE_SIZE = 4096;

/**
 * Metadata reads (descriptors, inode tables, extent and index blocks, htree blocks) through a
 * bounded cache of 4 KiB pages, whatever the block size: a lookup in a 64 KiB-block file system
 * reads the page holding the inode, not the whole block. Concurrent reads of one page share a
 * single request. File contents bypass it.
 */
export class PageCache {
  private readonly pages: LruCache<number, Promise<Uint8Array>>;

  constructor(
    private readonly reader: RandomAccessReader,
    budgetBytes: number,
  ) {
    this.pages = new LruCache(Math.max(1, Math.floor(budgetBytes / PAGE_SIZE)));
  }

  /** Exactly `length` bytes at `offset` (an InspectError "truncated" when the data ends first). */
  async read(offset: number, length: number, what: string): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    if (offset < 0 || offset + length > this.reader.size) {
      throw extError("truncated", `the image ends before the ${what} (${length} bytes at offset ${offset}, the image has ${this.reader.size}).`);
    }
    const first = Math.floor(offset / PAGE_SIZE);
    const last = Math.floor((offset + length - 1) / PAGE_SIZE);
    const pending: Promise<Uint8Array>[] = [];
    for (let page = first; page <= last;) {
      const hit = this.pages.get(page);
      if (hit) {
        pending.push(hit);
        page += 1;
        continue;
      }
      let end = page;
      while (end < last && this.pages.get(end + 1) === undefined) end += 1;
      pending.push(...this.fetch(page, end));
      page = end + 1;
    }
    const pages = await Promise.all(pending);
    const start = offset - first * PAGE_SIZE;
    if (pages.length === 1 && pages[0].length >= start + length) return pages[0].subarray(start, start + length);
    const out = new Uint8Array(length);
    let written = 0;
    for (let i = 0; i < pages.length && written < length; i += 1) {
      const from = i === 0 ? start : 0;
      const chunk = pages[i].subarray(from, Math.min(pages[i].length, from + length - written));
      out.set(chunk, written);
      written += chunk.length;
    }
    if (written < length) throw extError("truncated", `the image returned too few bytes for the ${what}.`);
    return out;
  }

  /** Reads pages first..last in one request and caches each. */
  private fetch(first: number, last: number): Promise<Uint8Array>[] {
    const start = first * PAGE_SIZE;
    const length = Math.min((last + 1) * PAGE_SIZE, this.reader.size) - start;
    const run = length > 0 ? this.reader.read(start, length) : Promise.resolve(new Uint8Array(0));
    const pages: Promise<Uint8Array>[] = [];
    for (let page = first; page <= last; page += 1) {
      const from = (page - first) * PAGE_SIZE;
      const bytes = run.then((data) => data.slice(from, Math.min(from + PAGE_SIZE, data.length)));
      this.pages.set(page, bytes);
      forgetOnFailure(this.pages, page, bytes);
      pages.push(bytes);
    }
    return pages;
  }
}
