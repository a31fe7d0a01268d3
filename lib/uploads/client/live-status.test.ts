import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ImageProgress } from "../../catalog/progress";
import { LiveStatus, POLL_MS } from "./live-status";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const entry = (id: string, status: ImageProgress["status"], validationProgress = 0): ImageProgress => ({
  id,
  status,
  uploadProgress: status === "uploading" ? 10 : null,
  validationProgress,
  failures: 0,
});

/** A server whose answers the test sets, recording what it was asked. */
function server() {
  const images = new Map<string, ImageProgress>();
  const asked: string[][] = [];
  let down = false;
  return {
    asked,
    set: (...items: ImageProgress[]) => items.forEach((item) => images.set(item.id, item)),
    drop: (id: string) => images.delete(id),
    down: (value: boolean) => {
      down = value;
    },
    fetchProgress: (ids: string[]) => {
      asked.push(ids);
      return Promise.resolve(down ? null : ids.flatMap((id) => (images.has(id) ? [images.get(id) as ImageProgress] : [])));
    },
  };
}

const known = { status: "validating", uploadProgress: null, validationProgress: 0, failures: 0 } as const;

describe("LiveStatus", () => {
  it("asks about every watched image in one request, at the validating pace", async () => {
    const api = server();
    api.set(entry("a", "validating", 10), entry("b", "validating", 20), entry("c", "uploading"));
    const live = new LiveStatus(api);
    live.watch("a");
    live.watch("b");
    live.watch("c");
    await vi.advanceTimersByTimeAsync(POLL_MS.validating - 1);
    expect(api.asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.asked).toEqual([["a", "b", "c"]]);
    expect(live.get("b")).toEqual({ status: "validating", uploadProgress: null, validationProgress: 20, failures: 0 });
    live.dispose();
  });

  it("asks less often while images only upload, and sooner once one validates", async () => {
    const api = server();
    api.set(entry("up", "uploading"), entry("val", "validating"));
    const live = new LiveStatus(api);
    live.watch("up", { ...known, status: "uploading", uploadProgress: 5 });
    await vi.advanceTimersByTimeAsync(POLL_MS.validating);
    expect(api.asked).toEqual([]);
    live.watch("val", known);
    await vi.advanceTimersByTimeAsync(POLL_MS.validating);
    expect(api.asked).toEqual([["up", "val"]]);
    live.dispose();
  });

  it("reports status changes (and images gone) once per round, progress only to subscribers", async () => {
    const api = server();
    api.set(entry("a", "validating", 10), entry("b", "validating", 10), entry("c", "validating", 10));
    const live = new LiveStatus(api);
    const moved: string[][] = [];
    live.onStatusChange((ids) => moved.push(ids));
    let redraws = 0;
    live.subscribe(() => {
      redraws += 1;
    });
    for (const id of ["a", "b", "c"]) live.watch(id, { ...known, validationProgress: 10 });
    const seeded = redraws;
    await live.poll();
    expect([moved, redraws]).toEqual([[], seeded]);
    api.set(entry("a", "validating", 60), entry("b", "ready", 100));
    api.drop("c");
    await live.poll();
    expect(moved).toEqual([["b", "c"]]);
    expect(redraws).toBe(seeded + 1);
    expect([live.get("a")?.validationProgress, live.get("b")?.status, live.get("c")]).toEqual([60, "ready", null]);
    // Only "a" is still in flux.
    await live.poll();
    expect(api.asked.at(-1)).toEqual(["a"]);
    live.dispose();
  });

  it("stops asking when nothing watched is in flux", async () => {
    const api = server();
    api.set(entry("a", "ready"));
    const live = new LiveStatus(api);
    live.watch("a");
    await vi.advanceTimersByTimeAsync(POLL_MS.validating);
    await vi.advanceTimersByTimeAsync(POLL_MS.uploading * 3);
    expect(api.asked).toEqual([["a"]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps an image while anyone watches it, and forgets it when the last one stops", async () => {
    const api = server();
    api.set(entry("a", "validating", 30));
    const live = new LiveStatus(api);
    const stopRow = live.watch("a");
    const stopTray = live.watch("a");
    await live.poll();
    stopRow();
    stopRow();
    expect(live.get("a")?.validationProgress).toBe(30);
    stopTray();
    expect(live.get("a")).toBeUndefined();
    await vi.advanceTimersByTimeAsync(POLL_MS.uploading);
    expect(api.asked).toEqual([["a"]]);
  });

  it("keeps what it knew when a request fails, and asks again at the next round", async () => {
    const api = server();
    api.set(entry("a", "validating", 30));
    const live = new LiveStatus(api);
    live.watch("a");
    await live.poll();
    api.down(true);
    await live.poll();
    expect(live.get("a")?.validationProgress).toBe(30);
    api.down(false);
    api.set(entry("a", "validating", 70));
    await vi.advanceTimersByTimeAsync(POLL_MS.validating);
    expect(live.get("a")?.validationProgress).toBe(70);
    live.dispose();
  });

  it("asks about more than a hundred images in batches of a hundred", async () => {
    const api = server();
    const live = new LiveStatus(api);
    for (let i = 0; i < 150; i += 1) {
      api.set(entry(`i${i}`, "validating"));
      live.watch(`i${i}`);
    }
    await live.poll();
    expect(api.asked.map((ids) => ids.length)).toEqual([100, 50]);
    live.dispose();
  });
});
