import { Worker } from "node:worker_threads";
import { InspectError, type InspectErrorCode } from "../inspect/errors";
import type { RandomAccessReader } from "../inspect/reader";
import { memoryStopped, type PoolLimits, timeStopped } from "../workers/pool";
import type { DiskTask, DiskTaskResult, HostMessage, WorkerMessage } from "./worker-protocol";

// Built from a variable rather than `new URL("...", import.meta.url)`, which bundlers take for an asset to copy.
const here = import.meta.url;
const BOOTSTRAP = new URL("../workers/bootstrap.mjs", here);
const ENTRY = new URL("./disk-worker.ts", here).href;

/** A disk task's bounds, as a pool's (lib/workers/pool.ts): time, heap and the thread's nice value. */
export type DiskTaskLimits = Omit<PoolLimits, "size">;

/** Without limits of its own, a task may take a day and 512 MiB of heap (it holds a few MiB of buffers and the tables it builds). */
const UNBOUNDED: DiskTaskLimits = { timeLimitMs: 24 * 3600_000, memoryLimitMb: 512 };

/**
 * Runs a digest or a conversion of the image `reader` holds on a worker thread (lib/convert/disk-worker.ts,
 * started through lib/workers/bootstrap.mjs as the pools' workers are), answering its reads from `reader` here:
 * the store stays on this thread, the CPU goes to the worker. Rejects with an InspectError when the image's
 * tables refuse (so callers can tell damage from a failure), with a JobStopped past a limit (the worker is
 * terminated), and when `signal` aborts (the worker is stopped).
 */
export function runDiskTask(
  reader: RandomAccessReader,
  task: DiskTask,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
  limits: DiskTaskLimits = UNBOUNDED,
): Promise<DiskTaskResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, {
      workerData: { entry: ENTRY, nice: limits.nice ?? 0 },
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryLimitMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(4, limits.memoryLimitMb / 8)) },
    });
    const timer = setTimeout(() => finish(timeStopped(limits)), limits.timeLimitMs);
    let settled = false;
    const finish = (error: Error | null, result?: DiskTaskResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      void worker.terminate();
      if (error) reject(error);
      else resolve(result as DiskTaskResult);
    };
    const abort = () => finish(signal?.reason instanceof Error ? signal.reason : new Error("stopped"));
    if (signal?.aborted) {
      abort();
      return;
    }
    signal?.addEventListener("abort", abort);
    const send = (message: HostMessage) => {
      if (!settled) worker.postMessage(message);
    };
    worker.on("error", (error: Error & { code?: string }) => finish(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? memoryStopped(limits) : error));
    worker.on("exit", (code) => finish(new Error(`the disk worker stopped (exit code ${code})`)));
    worker.on("message", (message: WorkerMessage) => {
      switch (message.type) {
        case "read":
          // Copied, not transferred: the reader may hand out a view of its own cache.
          reader.read(message.offset, message.length).then(
            (bytes) => send({ type: "read", id: message.id, bytes }),
            (error: unknown) => send({ type: "readFailed", id: message.id, message: String(error) }),
          );
          return;
        case "fill": {
          const target = new Uint8Array(message.buffer, message.byteOffset, message.length);
          const filled = reader.readInto
            ? reader.readInto(message.offset, target)
            : reader.read(message.offset, message.length).then((bytes) => (target.set(bytes), bytes.length));
          filled.then(
            (bytesRead) => send({ type: "fill", id: message.id, bytesRead }),
            (error: unknown) => send({ type: "readFailed", id: message.id, message: String(error) }),
          );
          return;
        }
        case "progress":
          onProgress?.(message.fraction);
          return;
        case "done":
          finish(null, message.result);
          return;
        case "failed":
          finish(message.inspectCode ? new InspectError(message.inspectCode as InspectErrorCode, message.message) : new Error(message.message));
          return;
      }
    });
    send({ type: "run", task, size: reader.size });
  });
}
