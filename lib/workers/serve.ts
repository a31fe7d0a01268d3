import { parentPort } from "node:worker_threads";
import type { FromWorker, ToWorker } from "./protocol";

/**
 * The body of a pool's worker thread (lib/workers/pool.ts): runs each job the pool sends with `handle`, one at a
 * time, reporting progress and the result. A job that throws is answered as failed; the worker stays for the next.
 */
export function serveJobs(handle: (input: never, onProgress: (value: number) => void) => Promise<unknown>): void {
  const port = parentPort;
  if (!port) throw new Error("serveJobs runs in a worker thread of a pool");
  const send = (message: FromWorker<unknown>) => port.postMessage(message);
  port.on("message", (message: ToWorker<never>) => {
    handle(message.input, (value) => send({ type: "progress", value })).then(
      (value) => send({ type: "done", value }),
      (error: unknown) => send({ type: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
  });
}
