import type { RandomAccessReader } from "../inspect/reader";

/** Bytes that cost a round trip to get (a ranged GET): fetch(offset, length) answers exactly those bytes. */
export interface RangeSource {
  readonly size: number;
  fetch(offset: number, length: number): Promise<Uint8Array>;
}

export interface BlockCacheOptions {
  /** Unit of fetching and caching; a read is served from the aligned blocks that cover it. */
  blockSize: number;
  /** Blocks kept (least recently used dropped first): blockSize × maxBlocks bytes of memory at most. */
  maxBlocks: number;
  /** Reads at least this long go to the source directly and are not cached (a bulk read would flush the cache). */
  bypassBytes: number;
  /**
   * At most this many bytes fetched ahead of a sequential stream (the third read in a row that starts
   * where the last one ended, and after): fetched in the background, while the caller works on what it
   * has, in a window that doubles with each read up to this size. 0: none.
   */
  readahead: number;
}

export interface BlockCacheStats {
  /** Round trips to the source. */
  fetches: number;
  /** Bytes those round trips brought. */
  bytesFetched: number;
}

/**
 * A RandomAccessReader over a RangeSource, with a cache of aligned blocks. A read fetches the blocks
 * it misses, runs of adjacent missing blocks in one round trip; reads in flight for the same block
 * share one fetch. What the inspector reads is small and clustered (headers, tables, inodes,
 * directory blocks), so a block brought for one read usually serves the next few; what it reads in
 * a stream (a file's contents) is fetched ahead, in few large requests.
 */
export function blockCachedReader(source: RangeSource, options: BlockCacheOptions): RandomAccessReader & { stats: BlockCacheStats } {
  const { blockSize, maxBlocks, bypassBytes, readahead } = options;
  const { size } = source;
  const blocks = new Map<number, Promise<Uint8Array>>();
  const stats: BlockCacheStats = { fetches: 0, bytesFetched: 0 };

  const fetch = async (offset: number, length: number) => {
    stats.fetches += 1;
    const bytes = await source.fetch(offset, length);
    stats.bytesFetched += bytes.length;
    if (bytes.length !== length) throw new Error(`the store answered ${bytes.length} bytes for ${length} at offset ${offset}`);
    return bytes;
  };

  /** Fetches blocks first..last (all missing) in one round trip and caches each. */
  const fetchRun = (first: number, last: number) => {
    const start = first * blockSize;
    const run = fetch(start, Math.min(size, (last + 1) * blockSize) - start);
    for (let block = first; block <= last; block++) {
      const offset = (block - first) * blockSize;
      const promise = run.then((bytes) => bytes.subarray(offset, Math.min(bytes.length, offset + blockSize)));
      // A failed fetch is not cached: the next read tries again.
      promise.catch(() => blocks.get(block) === promise && blocks.delete(block));
      blocks.set(block, promise);
    }
  };

  /** Fetches the missing blocks among first..last, each run of adjacent ones in one round trip. */
  const ensure = (first: number, last: number) => {
    for (let index = first; index <= last; index++) {
      if (blocks.has(index)) continue;
      let runEnd = index;
      while (runEnd < last && !blocks.has(runEnd + 1)) runEnd++;
      fetchRun(index, runEnd);
      index = runEnd;
    }
  };

  let streamEnd = -1;
  let streak = 0;
  /** After a read that ended at `end`: when it continues a stream, keep half a window or more fetched ahead of it. */
  const readAhead = (offset: number, length: number, end: number) => {
    streak = offset === streamEnd ? streak + 1 : 0;
    streamEnd = end;
    if (readahead <= 0 || streak < 2 || end >= size) return;
    const window = Math.min(readahead, length * 2 ** streak);
    let next = Math.floor(end / blockSize);
    while (blocks.has(next)) next++;
    if (next * blockSize - end >= window / 2) return;
    ensure(next, Math.min(Math.floor((size - 1) / blockSize), Math.floor((end + window - 1) / blockSize)));
  };

  const block = (index: number) => {
    const cached = blocks.get(index);
    if (!cached) throw new Error(`block ${index} was not requested`);
    // Most recently used last: Map keeps insertion order.
    blocks.delete(index);
    blocks.set(index, cached);
    return cached;
  };

  return {
    size,
    stats,
    async read(offset, length) {
      if (offset < 0 || length <= 0 || offset >= size) return new Uint8Array(0);
      const end = Math.min(size, offset + length);
      if (end - offset >= bypassBytes) return fetch(offset, end - offset);
      const first = Math.floor(offset / blockSize);
      const last = Math.floor((end - 1) / blockSize);
      ensure(first, last);
      const wanted = Array.from({ length: last - first + 1 }, (_, i) => block(first + i));
      readAhead(offset, end - offset, end);
      const parts = await Promise.all(wanted);
      while (blocks.size > maxBlocks) blocks.delete(blocks.keys().next().value as number);
      // A copy, as a file read gives: the caller may write into it, the cache must not change.
      if (parts.length === 1) return parts[0].slice(offset - first * blockSize, end - first * blockSize);
      const out = new Uint8Array(end - offset);
      let written = 0;
      for (const [i, part] of parts.entries()) {
        const from = i === 0 ? offset - first * blockSize : 0;
        const to = Math.min(part.length, end - (first + i) * blockSize);
        out.set(part.subarray(from, to), written);
        written += to - from;
      }
      return out;
    },
  };
}
