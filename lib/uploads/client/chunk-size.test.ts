import { describe, expect, it } from "vitest";
import { ChunkSizer } from "./chunk-size";

const MiB = 1024 * 1024;
const policy = { initial: 16 * MiB, min: 4 * MiB, max: 1024 * MiB, targetSeconds: 4, growth: 4 };

describe("ChunkSizer", () => {
  it("starts at the initial size", () => {
    expect(new ChunkSizer(policy).next).toBe(16 * MiB);
  });

  it("grows toward the size that lasts the target time, at most fourfold per request, up to the maximum", () => {
    const sizer = new ChunkSizer(policy);
    const sizes: number[] = [];
    // A 400 MB/s link: 4 s would be 1.6 GB.
    for (let i = 0; i < 5; i += 1) {
      sizer.measured(sizer.next, (sizer.next / 400e6) * 1000);
      sizes.push(sizer.next / MiB);
    }
    expect(sizes).toEqual([64, 256, 1024, 1024, 1024]);
  });

  it("shrinks on a slow link to what lasts the target time, whole MiB, never under the minimum", () => {
    const sizer = new ChunkSizer(policy);
    // 16 MiB in 8 s: 2 MiB/s, so 8 MiB lasts 4 s.
    sizer.measured(16 * MiB, 8000);
    expect(sizer.next).toBe(8 * MiB);
    // 2 Mbit/s: 1 MB lasts 4 s, under the minimum.
    sizer.measured(8 * MiB, ((8 * MiB) / 250_000) * 1000);
    expect(sizer.next).toBe(4 * MiB);
  });

  it("ignores a request too short to say anything about the link", () => {
    const sizer = new ChunkSizer(policy);
    sizer.measured(MiB, 1);
    sizer.measured(64 * MiB, 0);
    expect(sizer.next).toBe(16 * MiB);
  });

  it("sends the rest of the file at once when it would otherwise be a short request of its own", () => {
    const sizer = new ChunkSizer(policy);
    expect([sizer.nextOf(10 * MiB), sizer.nextOf(23 * MiB), sizer.nextOf(24 * MiB), sizer.nextOf(1000 * MiB)]).toEqual([
      10 * MiB,
      23 * MiB,
      16 * MiB,
      16 * MiB,
    ]);
    // Never past a proxy's limit.
    sizer.tooLarge(16 * MiB);
    expect(sizer.nextOf(10 * MiB)).toBe(8 * MiB);
  });

  it("after a 413 stays at half the refused size, and gives up at the minimum", () => {
    const sizer = new ChunkSizer(policy);
    sizer.measured(16 * MiB, 40);
    expect(sizer.next).toBe(64 * MiB);
    expect(sizer.tooLarge(64 * MiB)).toBe(true);
    expect(sizer.next).toBe(32 * MiB);
    // A fast link no longer grows it past the proxy's limit.
    sizer.measured(32 * MiB, 10);
    expect(sizer.next).toBe(32 * MiB);
    expect(sizer.tooLarge(32 * MiB)).toBe(true);
    expect(sizer.tooLarge(16 * MiB)).toBe(true);
    expect(sizer.tooLarge(8 * MiB)).toBe(true);
    expect(sizer.next).toBe(4 * MiB);
    expect(sizer.tooLarge(4 * MiB)).toBe(false);
  });
});
