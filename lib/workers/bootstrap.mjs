// The first module of every pool worker (lib/workers/pool.ts): lowers the thread's CPU priority, registers tsx,
// the loader the server runs under (`node --import tsx`), then imports the worker's entry. Node 20 does not apply
// a loader given by --import to a worker's entry, and lib/ is TypeScript that tsx evaluates once per thread, as
// on the main thread.
import fs from "node:fs";
import os from "node:os";
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

// Linux gives each thread its own nice value: the pool's work yields the CPU to the threads that stream uploads
// and answer pages. Elsewhere (no /proc/thread-self) the thread keeps the process's priority.
if (workerData.nice) {
  try {
    const thread = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
    os.setPriority(thread, workerData.nice);
  } catch {
    // not Linux, or not allowed: the work still runs, at the process's priority
  }
}
register();
await import(workerData.entry);
