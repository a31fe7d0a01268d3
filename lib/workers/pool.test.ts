import { afterEach, describe, expect, it } from "vitest";
import { JobStopped, type PoolLimits, type WorkerPool, workerPool } from "./pool";
import type { TestJob } from "./test-worker";

const entry = new URL("./test-worker.ts", import.meta.url);
const pools: WorkerPool<TestJob, string>[] = [];
function pool(limits: Partial<PoolLimits> = {}): WorkerPool<TestJob, string> {
  const created = workerPool<TestJob, string>(entry, { size: 1, timeLimitMs: 60_000, memoryLimitMb: 256, ...limits });
  pools.push(created);
  return created;
}
afterEach(async () => {
  for (const created of pools.splice(0)) await created.close();
});

describe("a worker pool", () => {
  it("runs jobs in a worker thread, with their progress", async () => {
    const progress: number[] = [];
    expect(await pool().run({ kind: "echo", text: "hello" }, (value) => progress.push(value))).toBe("hello");
    expect(progress).toEqual([50]);
  });

  it("a job that throws fails with its message, and the worker takes the next job", async () => {
    const jobs = pool();
    await expect(jobs.run({ kind: "throw", message: "not an image" })).rejects.toThrow("not an image");
    expect(await jobs.run({ kind: "echo", text: "next" })).toBe("next");
  });

  it("stops a job that spins past its time limit, and runs the next job in a fresh worker", async () => {
    // One worker: the next job can only run if the spinning one was stopped and its worker replaced.
    const jobs = pool({ timeLimitMs: 3000 });
    const spinning = jobs.run({ kind: "spin" });
    const next = jobs.run({ kind: "echo", text: "after the spin" });
    const stopped = await spinning.catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(JobStopped);
    expect(stopped).toMatchObject({ reason: "time", message: "exceeded its time limit (3 s)" });
    expect(await next).toBe("after the spin");
    expect(jobs.activity()).toEqual({ running: 0, waiting: 0 });
  });

  it("ends a job past its memory limit without ending the process, and the pool goes on", async () => {
    const jobs = pool({ memoryLimitMb: 64 });
    const stopped = await jobs.run({ kind: "hoard" }).catch((error: unknown) => error);
    expect(stopped).toMatchObject({ reason: "memory", message: "exceeded its memory limit (64 MiB)" });
    expect(await jobs.run({ kind: "echo", text: "still here" })).toBe("still here");
  });

  it("runs as many jobs at once as it has workers", async () => {
    const jobs = pool({ size: 2, timeLimitMs: 4000 });
    const spins = [jobs.run({ kind: "spin" }), jobs.run({ kind: "spin" })];
    const third = jobs.run({ kind: "echo", text: "third" });
    expect(jobs.activity()).toEqual({ running: 2, waiting: 1 });
    for (const spin of spins) await expect(spin).rejects.toMatchObject({ reason: "time" });
    expect(await third).toBe("third");
  });
});
