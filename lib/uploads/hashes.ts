import { Worker } from "node:worker_threads";

// The worker's code, evaluated rather than loaded from a file, so that it starts the same under tsx,
// Vitest and any bundler. It keeps one SHA-256 per upload id and answers every message.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const hashes = new Map();
const hashOf = (id) => { let hash = hashes.get(id); if (!hash) { hash = createHash("sha256"); hashes.set(id, hash); } return hash; };
parentPort.on("message", async (message) => {
  try {
    if (message.type === "update") {
      hashOf(message.id).update(new Uint8Array(message.buffer, 0, message.length));
      // The batch goes back to be filled again: no fresh memory to fault in and zero per batch.
      parentPort.postMessage({ type: "ack", id: message.id, length: message.length, buffer: message.buffer }, [message.buffer]);
    } else if (message.type === "rebuild") {
      const hash = createHash("sha256");
      hashes.set(message.id, hash);
      let read = 0;
      if (message.offset > 0) {
        for await (const chunk of fs.createReadStream(message.path, { start: 0, end: message.offset - 1, highWaterMark: 4 << 20 })) {
          hash.update(chunk);
          read += chunk.length;
        }
      }
      parentPort.postMessage({ type: "reply", request: message.request, value: read });
    } else if (message.type === "digest") {
      const value = hashOf(message.id).digest("hex");
      hashes.delete(message.id);
      parentPort.postMessage({ type: "reply", request: message.request, value });
    } else if (message.type === "forget") {
      hashes.delete(message.id);
    }
  } catch (error) {
    parentPort.postMessage({ type: "reply", request: message.request, error: String(error && error.message || error) });
  }
});
`;

/** Bytes gathered before they go to the worker in one (transferred, not copied) message. */
const BATCH = 4 << 20;
/** Bytes sent to the worker and not yet hashed, beyond which the upload waits: memory stays bounded. */
const MAX_IN_FLIGHT = 32 << 20;

type WorkerMessage =
  { type: "ack"; id: string; length: number; buffer: ArrayBuffer } | { type: "reply"; request: number; value?: string | number; error?: string };

/**
 * The SHA-256 of an upload's first `offset` bytes, taking the next ones as they
 * stream to disk. The hashing runs on a worker thread, so the event loop only
 * copies bytes into batches while gigabytes go by.
 */
export class RunningHash {
  /** Taken when bytes arrive and handed to the worker when full or flushed: an idle upload holds none. */
  private batch: Buffer | null = null;
  private batched = 0;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  /** Set when the worker was lost: the hash is no longer the file's. */
  broken = false;

  constructor(
    private readonly hashes: UploadHashes,
    readonly id: string,
    /** Bytes taken so far (the ones still on their way to the worker included). */
    public offset: number,
  ) {}

  /** Takes a chunk; returns a promise when the worker is behind and the caller should wait for it. */
  update(chunk: Buffer): Promise<void> | null {
    this.offset += chunk.length;
    let done = 0;
    while (done < chunk.length) {
      this.batch ??= this.hashes.takeBatch();
      const take = Math.min(chunk.length - done, BATCH - this.batched);
      chunk.copy(this.batch, this.batched, done, done + take);
      this.batched += take;
      done += take;
      if (this.batched === BATCH) this.send();
    }
    return this.inFlight > MAX_IN_FLIGHT ? new Promise((resolve) => this.waiters.push(resolve)) : null;
  }

  /** Resolves when every byte taken has been hashed. */
  async flush(): Promise<void> {
    if (this.batched > 0) this.send();
    while (this.inFlight > 0 && !this.broken) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private send(): void {
    if (!this.batch) return;
    const buffer = this.batch.buffer;
    const length = this.batched;
    this.inFlight += length;
    this.batch = null;
    this.batched = 0;
    this.hashes.send(this, buffer as ArrayBuffer, length);
  }

  /** The worker hashed `length` more bytes (or is gone: `length` is everything). */
  acknowledged(length: number): void {
    this.inFlight = Math.max(0, this.inFlight - length);
    if (this.inFlight <= MAX_IN_FLIGHT || this.broken) for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/**
 * Running hashes of uploads in progress, so that the checksum is computed as the
 * bytes stream in and the finished file is never read again. A hash's state
 * cannot be saved, so after a restart (or a write that failed half-way) the
 * partial file is hashed once, at disk speed, before the next bytes.
 */
export class UploadHashes {
  private worker: Worker | null = null;
  private readonly running = new Map<string, RunningHash>();
  /** Which state the worker's acknowledgements for an id go to: the one that last sent bytes. */
  private readonly routes = new Map<string, RunningHash>();
  private readonly rebuilding = new Map<string, Promise<RunningHash>>();
  private readonly digests = new Map<string, Promise<string>>();
  private readonly replies = new Map<number, { resolve: (value: string | number) => void; reject: (error: Error) => void }>();
  private nextRequest = 1;
  /** Batches the worker gave back, ready to be filled again. */
  private readonly spare: Buffer[] = [];

  takeBatch(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafe(BATCH);
  }

  private post(message: object, transfer: ArrayBuffer[] = []): void {
    this.ensureWorker().postMessage(message, transfer);
  }

  /** Hands a batch of an upload's bytes to the worker; the buffer is transferred, not copied. */
  send(state: RunningHash, buffer: ArrayBuffer, length: number): void {
    this.routes.set(state.id, state);
    this.post({ type: "update", id: state.id, buffer, length }, [buffer]);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "ack") {
        // Enough spare batches for the most an upload keeps in flight; more would only hold memory.
        if (this.spare.length <= MAX_IN_FLIGHT / BATCH) this.spare.push(Buffer.from(message.buffer));
        this.routes.get(message.id)?.acknowledged(message.length);
        return;
      }
      const reply = this.replies.get(message.request);
      this.replies.delete(message.request);
      if (message.error !== undefined) reply?.reject(new Error(message.error));
      else reply?.resolve(message.value ?? "");
    });
    const lost = (error: Error) => {
      // Whatever the worker held is gone: every running hash is rebuilt from its file when next needed.
      this.worker = null;
      for (const state of [...this.running.values(), ...this.routes.values()]) {
        state.broken = true;
        state.acknowledged(Number.MAX_SAFE_INTEGER);
      }
      this.running.clear();
      this.routes.clear();
      for (const reply of this.replies.values()) reply.reject(error);
      this.replies.clear();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`the hashing worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private request(message: object): Promise<string | number> {
    const request = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.replies.set(request, { resolve, reject });
      this.post({ ...message, request });
    });
  }

  /** The running hash at exactly `offset`, re-reading the partial file when memory does not have it. */
  async at(id: string, filePath: string, offset: number): Promise<RunningHash> {
    const current = this.running.get(id);
    if (current && current.offset === offset && !current.broken) return current;
    this.running.delete(id);
    let pending = this.rebuilding.get(id);
    if (!pending) {
      pending = this.request({ type: "rebuild", id, path: filePath, offset }).then((read) => new RunningHash(this, id, Number(read)));
      pending = pending.finally(() => this.rebuilding.delete(id));
      this.rebuilding.set(id, pending);
    }
    const rebuilt = await pending;
    if (rebuilt.offset !== offset) throw new Error(`upload ${id}: the partial file has ${rebuilt.offset} bytes, not ${offset}`);
    this.running.set(id, rebuilt);
    return rebuilt;
  }

  /** After a write: keep the hash only if it covers exactly the bytes now in the file. */
  async settle(state: RunningHash, fileSize: number): Promise<void> {
    await state.flush();
    if (state.offset === fileSize && !state.broken) this.running.set(state.id, state);
    else this.forget(state.id);
  }

  /**
   * The hex digest of the whole file of `size` bytes; the running state is consumed. Callers asking while
   * a digest of the upload is under way (two finishes of one upload) share it rather than race for the state.
   */
  digest(id: string, filePath: string, size: number): Promise<string> {
    let pending = this.digests.get(id);
    if (!pending) {
      pending = this.consume(id, filePath, size).finally(() => this.digests.delete(id));
      this.digests.set(id, pending);
    }
    return pending;
  }

  private async consume(id: string, filePath: string, size: number): Promise<string> {
    const state = await this.at(id, filePath, size);
    await state.flush();
    this.running.delete(id);
    return String(await this.request({ type: "digest", id }));
  }

  forget(id: string): void {
    this.running.delete(id);
    if (this.worker) this.post({ type: "forget", id });
  }
}
