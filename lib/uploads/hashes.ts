import { Worker } from "node:worker_threads";
import type { ChecksumAlgorithm } from "../checksums/checksum";

// The worker's code, evaluated rather than loaded from a file, so that it starts the same under tsx,
// Vitest and any bundler. It keeps one SHA-256 per upload id and reads each upload's file behind its
// writes, up to the size the writes reported: the bytes are hashed where they already are (the page
// cache), and the request that receives them never copies or waits for them.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const fsp = require("node:fs/promises");
const os = require("node:os");
// Receiving bytes is what a client waits on; the hash can catch up. The lowest CPU priority, for this thread
// alone (on Linux a thread id is a process id to setpriority): on a busy machine hashing takes only what
// requests leave idle, on an idle one it runs at full speed all the same.
if (workerData.lowPriority) try { os.setPriority(Number(fs.readlinkSync("/proc/thread-self").split("/").pop()), 19); } catch {}
const READ = 1 << 20;
const states = new Map();
const stateOf = (id, path, algorithm) => {
  let state = states.get(id);
  if (!state) {
    state = { hash: createHash(algorithm), hashed: 0, target: 0, path, handle: null, pumping: false, digests: [] };
    states.set(id, state);
  }
  if (!state.handle) state.path = path;
  return state;
};
// A promise, set in one step, so that a digest and the reading loop never open the file twice.
const open = (state) => {
  if (!state.handle) {
    state.handle = fsp.open(state.path, "r");
    state.handle.catch(() => {});
  }
  return state.handle;
};
const close = (state) => {
  const handle = state.handle;
  state.handle = null;
  handle?.then((file) => file.close()).catch(() => {});
};
const drop = (id, state, error) => {
  if (states.get(id) === state) states.delete(id);
  for (const { request } of state.digests.splice(0)) parentPort.postMessage({ type: "reply", request, error });
  close(state);
};
async function pump(id, state) {
  if (state.pumping) return;
  state.pumping = true;
  try {
    let buffer = null;
    while (state.hashed < state.target && states.get(id) === state) {
      const file = await open(state);
      buffer ??= Buffer.allocUnsafe(READ);
      const { bytesRead } = await file.read(buffer, 0, Math.min(READ, state.target - state.hashed), state.hashed);
      if (bytesRead === 0) throw new Error("the file has " + state.hashed + " bytes, not " + state.target);
      state.hash.update(buffer.subarray(0, bytesRead));
      state.hashed += bytesRead;
    }
  } catch (error) {
    drop(id, state, String((error && error.message) || error));
    return;
  } finally {
    state.pumping = false;
  }
  if (states.get(id) !== state) return;
  if (state.digests.some((waiting) => waiting.size === state.hashed)) {
    const value = state.hash.digest("hex");
    states.delete(id);
    for (const { request } of state.digests.splice(0)) parentPort.postMessage({ type: "reply", request, value });
    close(state);
  } else if (state.digests.length === 0) {
    // Caught up: an upload paused for a day holds no open file.
    close(state);
  }
}
parentPort.on("message", (message) => {
  if (message.type === "forget") {
    const state = states.get(message.id);
    if (state) drop(message.id, state, "the upload ended");
    return;
  }
  const state = stateOf(message.id, message.path, message.algorithm);
  state.target = Math.max(state.target, message.size);
  if (message.type === "digest") {
    state.digests.push({ request: message.request, size: message.size });
    // Open before the answer, so that the file may move (or go) once the caller has it.
    open(state).then(
      () => parentPort.postMessage({ type: "pinned", request: message.request }),
      (error) => drop(message.id, state, String(error.message || error)),
    );
  }
  void pump(message.id, state);
});
`;

/** What the worker hashes with: a checksum's algorithm, or MD5 (Glance's `checksum`, lib/glance/data.ts). */
export type HashAlgorithm = ChecksumAlgorithm | "md5";

type WorkerMessage = { type: "pinned"; request: number } | { type: "reply"; request: number; value?: string; error?: string };

interface Pending {
  pinned: { resolve: () => void; reject: (error: Error) => void };
  digest: { resolve: (value: string) => void; reject: (error: Error) => void };
}

export interface HashesOptions {
  /**
   * The worker runs at the lowest CPU priority: right for uploads, whose end waits for nobody's digest;
   * an import with a checksum waits for its digest before it ends, and takes a share like any other thread.
   */
  lowPriority: boolean;
}

/**
 * Running SHA-256 (or SHA-512) of uploads in progress. Writes report how far each upload's
 * file is written (`grow`); a worker thread reads the file behind them and
 * hashes, at the lowest CPU priority, so the checksum costs the receiving of
 * bytes nothing: no copy, no wait. A finish asks for the digest, which waits
 * for the worker to catch up. After a restart the worker simply starts from
 * byte 0 of the partial file: there is no state to lose.
 */
export class UploadHashes {
  private worker: Worker | null = null;
  private readonly digests = new Map<string, Promise<{ digest: Promise<string> }>>();
  private readonly pending = new Map<number, Pending>();
  private nextRequest = 1;

  constructor(private readonly options: HashesOptions = { lowPriority: true }) {}

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.options });
    worker.unref();
    worker.on("message", (message: WorkerMessage) => {
      const pending = this.pending.get(message.request);
      if (!pending) return;
      if (message.type === "pinned") {
        pending.pinned.resolve();
        return;
      }
      this.pending.delete(message.request);
      if (message.error !== undefined) {
        this.settle(pending, new Error(message.error));
        return;
      }
      // A digest of bytes all hashed already may answer before the file is even open: it holds nothing more.
      pending.pinned.resolve();
      pending.digest.resolve(message.value ?? "");
    });
    const lost = (error: Error) => {
      // Whatever the worker held is gone; the next report starts each hash again from its file.
      this.worker = null;
      for (const pending of this.pending.values()) this.settle(pending, error);
      this.pending.clear();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`the hashing worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(pending: Pending, error: Error): void {
    pending.pinned.reject(error);
    pending.digest.reject(error);
  }

  /** The upload's file at `filePath` now holds `size` written bytes: the worker may hash up to there. */
  grow(id: string, filePath: string, size: number, algorithm: HashAlgorithm = "sha256"): void {
    this.ensureWorker().postMessage({ type: "grow", id, path: filePath, size, algorithm });
  }

  /**
   * Starts the digest of the upload's `size` bytes. Resolves once the worker holds the file open, so that
   * the caller may move it; `digest` follows when the hash has caught up. Callers asking while a digest of
   * the upload is under way (two finishes of one upload) share it rather than race for the state.
   */
  begin(id: string, filePath: string, size: number, algorithm: HashAlgorithm = "sha256"): Promise<{ digest: Promise<string> }> {
    let started = this.digests.get(id);
    if (!started) {
      started = this.start(id, filePath, size, algorithm);
      this.digests.set(id, started);
      const done = () => this.digests.delete(id);
      started.then(({ digest }) => digest.then(done, done), done);
    }
    return started;
  }

  private start(id: string, filePath: string, size: number, algorithm: HashAlgorithm): Promise<{ digest: Promise<string> }> {
    const request = this.nextRequest++;
    return new Promise((resolvePinned, rejectPinned) => {
      const digest = new Promise<string>((resolve, reject) => {
        this.pending.set(request, { pinned: { resolve: () => resolvePinned({ digest }), reject: rejectPinned }, digest: { resolve, reject } });
      });
      // Whoever takes the digest handles its failure; unclaimed, it must not surface as an unhandled rejection.
      digest.catch(() => undefined);
      this.ensureWorker().postMessage({ type: "digest", id, path: filePath, size, request, algorithm });
    });
  }

  /** The upload ended without a finish (cancelled, expired, discarded): its hash goes. */
  forget(id: string): void {
    if (this.worker) this.worker.postMessage({ type: "forget", id });
  }
}
