import { describe, expect, it } from "vitest";
import { blockCachedReader, type RangeSource } from "./block-cache";

/** A source over bytes that records each fetch and can be told to fail. */
function source(size: number) {
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) % 251);
  const fetches: [number, number][] = [];
  let failNext = false;
  const src: RangeSource & { fetches: typeof fetches; failOnce(): void } = {
    size,
    fetches,
    failOnce: () => {
      failNext = true;
    },
    fetch(offset, length) {
      fetches.push([offset, length]);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error("connection reset"));
      }
      return new Promise((resolve) => setTimeout(() => resolve(bytes.slice(offset, offset + length)), 1));
    },
  };
  return { bytes, src };
}

const options = { blockSize: 100, maxBlocks: 4, bypassBytes: 1000, readahead: 0 };

describe("blockCachedReader", () => {
  it("answers any range with the source's bytes, fetching whole aligned blocks", async () => {
    const { bytes, src } = source(1050);
    const reader = blockCachedReader(src, options);
    expect(await reader.read(150, 30)).toEqual(bytes.slice(150, 180));
    expect(src.fetches).toEqual([[100, 100]]);
    expect(await reader.read(1040, 100)).toEqual(bytes.slice(1040));
    expect(src.fetches.at(-1)).toEqual([1000, 50]);
    expect(await reader.read(1050, 10)).toHaveLength(0);
    expect(await reader.read(-1, 10)).toHaveLength(0);
    expect(reader.stats).toEqual({ fetches: 2, bytesFetched: 150 });
  });

  it("fetches a run of missing blocks in one round trip, and only the missing ones", async () => {
    const { bytes, src } = source(1000);
    const reader = blockCachedReader(src, options);
    await reader.read(250, 10);
    expect(await reader.read(120, 250)).toEqual(bytes.slice(120, 370));
    expect(src.fetches).toEqual([
      [200, 100],
      [100, 100],
      [300, 100],
    ]);
  });

  it("shares one fetch between reads in flight for the same block", async () => {
    const { src } = source(1000);
    const reader = blockCachedReader(src, options);
    await Promise.all([reader.read(0, 10), reader.read(20, 10), reader.read(90, 5)]);
    expect(src.fetches).toEqual([[0, 100]]);
  });

  it("keeps the most recently used blocks, up to its limit", async () => {
    const { src } = source(1000);
    const reader = blockCachedReader(src, options);
    for (const block of [0, 1, 2, 3]) await reader.read(block * 100, 1);
    await reader.read(0, 1);
    await reader.read(400, 1);
    // Block 1 was the least recently used: gone; block 0 was read again: kept.
    const before = src.fetches.length;
    await reader.read(0, 1);
    expect(src.fetches.length).toBe(before);
    await reader.read(100, 1);
    expect(src.fetches.length).toBe(before + 1);
  });

  it("sends long reads to the source as they are, without caching them", async () => {
    const { bytes, src } = source(5000);
    const reader = blockCachedReader(src, options);
    expect(await reader.read(123, 2000)).toEqual(bytes.slice(123, 2123));
    expect(src.fetches).toEqual([[123, 2000]]);
    await reader.read(150, 1);
    expect(src.fetches.at(-1)).toEqual([100, 100]);
  });

  it("does not keep a failed fetch: the next read tries again", async () => {
    const { bytes, src } = source(1000);
    const reader = blockCachedReader(src, options);
    src.failOnce();
    await expect(reader.read(10, 10)).rejects.toThrow(/connection reset/);
    expect(await reader.read(10, 10)).toEqual(bytes.slice(10, 20));
  });

  it("gives a copy: writing into an answer does not change the next one", async () => {
    const { bytes, src } = source(1000);
    const reader = blockCachedReader(src, options);
    (await reader.read(0, 10)).fill(0);
    expect(await reader.read(0, 10)).toEqual(bytes.slice(0, 10));
  });

  it("fetches ahead of a stream from its third read on, in one round trip, in a window that grows", async () => {
    const { bytes, src } = source(5000);
    const reader = blockCachedReader(src, { ...options, maxBlocks: 100, readahead: 800 });
    for (const offset of [0, 100, 200]) expect(await reader.read(offset, 100)).toEqual(bytes.slice(offset, offset + 100));
    // The third read fetched the next 400 bytes (100 × 2²); the fourth, with less than half of its window
    // (800, the limit) ahead, the rest of that window: up to 800 bytes past its end.
    expect(src.fetches).toEqual([
      [0, 100],
      [100, 100],
      [200, 100],
      [300, 400],
    ]);
    await reader.read(300, 100);
    expect(src.fetches.at(-1)).toEqual([700, 500]);
    const before = src.fetches.length;
    for (const offset of [400, 500, 600, 700]) expect(await reader.read(offset, 100)).toEqual(bytes.slice(offset, offset + 100));
    expect(src.fetches.length).toBe(before);
  });

  it("does not fetch ahead of reads that jump about, nor past the end", async () => {
    const { src } = source(1000);
    const reader = blockCachedReader(src, { ...options, maxBlocks: 100, readahead: 800 });
    for (const offset of [500, 0, 300, 700, 100]) await reader.read(offset, 50);
    expect(src.fetches).toHaveLength(5);
    for (const offset of [800, 900]) await reader.read(offset, 100);
    await reader.read(950, 50);
    expect(src.fetches.every(([offset, length]) => offset + length <= 1000)).toBe(true);
  });

  it("fails when the source answers fewer bytes than asked", async () => {
    const reader = blockCachedReader({ size: 1000, fetch: () => Promise.resolve(new Uint8Array(10)) }, options);
    await expect(reader.read(0, 10)).rejects.toThrow(/answered 10 bytes for 100/);
  });
});
