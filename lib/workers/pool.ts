import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker } from "./protocol";

export interface PoolLimits {
  /** Jobs run at once, one per worker thread; more wait their turn. */
  size: number;
  /** A job running longer is stopped: its worker is terminated and replaced. */
  timeLimitMs: number;
  /** The V8 heap a worker may use (resourceLimits); past it the worker ends, and the job with it. */
  memoryLimitMb: number;
  /** The workers' nice value (Linux, per thread): 19 lets every thread of the server's own go first. */
  nice?: number;
}

/** A job the pool stopped: "time" past its time limit, "memory" past its memory limit, "exit" its worker died. */
export class JobStopped extends Error {
  constructor(
    readonly reason: "time" | "memory" | "exit",
    message: string,
    /** The limit it went past, as people read it ("600 s", "1024 MiB"). */
    readonly limit = "",
  ) {
    super(message);
  }
}

/** The stop of a job past its time limit. */
export const timeStopped = (limits: Pick<PoolLimits, "timeLimitMs">) => {
  const limit = `${limits.timeLimitMs / 1000} s`;
  return new JobStopped("time", `exceeded its time limit (${limit})`, limit);
};
/** The stop of a job past its heap limit. */
export const memoryStopped = (limits: Pick<PoolLimits, "memoryLimitMb">) => {
  const limit = `${limits.memoryLimitMb} MiB`;
  return new JobStopped("memory", `exceeded its memory limit (${limit})`, limit);
};

export interface WorkerPool<Input, Output> {
  run(input: Input, onProgress?: (value: number) => void): Promise<Output>;
  /** Jobs running and waiting now. */
  activity(): { running: number; waiting: number };
  /** Terminates every worker; jobs still running or waiting are stopped. */
  close(): Promise<void>;
}

interface Job<Input, Output> {
  input: Input;
  onProgress?: (value: number) => void;
  resolve: (value: Output) => void;
  reject: (error: Error) => void;
}

const BOOTSTRAP = new URL("./bootstrap.mjs", import.meta.url);

/**
 * A pool of worker threads running `entry` (a module calling serveJobs of lib/workers/serve.ts), so that CPU-heavy
 * jobs do not hold the thread that answers requests. Each job has a time and a memory limit: a job past either
 * is stopped and its worker replaced, and the pool goes on with the next job. Idle workers do not keep the process alive.
 */
export function workerPool<Input, Output>(entry: URL, limits: PoolLimits): WorkerPool<Input, Output> {
  const idle: Worker[] = [];
  const busy = new Map<Worker, { job: Job<Input, Output>; timer: NodeJS.Timeout }>();
  const waiting: Job<Input, Output>[] = [];

  function spawn(): Worker {
    const worker = new Worker(BOOTSTRAP, {
      workerData: { entry: entry.href, nice: limits.nice ?? 0 },
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryLimitMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(4, limits.memoryLimitMb / 8)) },
    });
    worker.on("message", (message: FromWorker<Output>) => {
      const job = busy.get(worker)?.job;
      if (!job) return;
      if (message.type === "progress") job.onProgress?.(message.value);
      else finish(worker, message.type === "done" ? { value: message.value } : { error: new Error(message.message) });
    });
    worker.on("error", (error: Error & { code?: string }) => {
      const outOfMemory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      stop(worker, outOfMemory ? memoryStopped(limits) : new JobStopped("exit", error.message));
    });
    worker.on("exit", (code) => stop(worker, new JobStopped("exit", `its worker exited with code ${code}`)));
    return worker;
  }

  /** Takes a worker's job off it. */
  function release(worker: Worker): Job<Input, Output> | undefined {
    const running = busy.get(worker);
    busy.delete(worker);
    clearTimeout(running?.timer);
    return running?.job;
  }

  function finish(worker: Worker, outcome: { value: Output } | { error: Error }): void {
    const job = release(worker);
    worker.unref();
    idle.push(worker);
    if (job) {
      if ("error" in outcome) job.reject(outcome.error);
      else job.resolve(outcome.value);
    }
    pump();
  }

  /** Ends a worker that failed or overran: its job is rejected, and the next job gets a fresh worker. */
  function stop(worker: Worker, error: JobStopped): void {
    const job = release(worker);
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    void worker.terminate();
    job?.reject(error);
    pump();
  }

  function pump(): void {
    while (waiting.length > 0 && busy.size < limits.size) {
      const job = waiting.shift() as Job<Input, Output>;
      const worker = idle.pop() ?? spawn();
      worker.ref();
      const timer = setTimeout(() => stop(worker, timeStopped(limits)), limits.timeLimitMs);
      busy.set(worker, { job, timer });
      worker.postMessage({ type: "job", input: job.input } satisfies ToWorker<Input>);
    }
  }

  return {
    run(input, onProgress) {
      return new Promise<Output>((resolve, reject) => {
        waiting.push({ input, onProgress, resolve, reject });
        pump();
      });
    },
    activity: () => ({ running: busy.size, waiting: waiting.length }),
    async close() {
      for (const job of waiting.splice(0)) job.reject(new JobStopped("exit", "the pool was closed"));
      await Promise.all([...idle.splice(0), ...busy.keys()].map((worker) => worker.terminate()));
    },
  };
}
