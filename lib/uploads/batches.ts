import { Transform } from "node:stream";

/**
 * What the socket's reads are gathered into before they go on: per 64 KiB read, the hops of the pipeline
 * (and, for a plain disk, each write's hop to the thread pool and back, which on a busy machine waits for
 * the scheduler twice) cost more than the copy.
 */
const BATCH_BYTES = 1 << 20;

class Batch {
  private pending: Buffer[] = [];
  private size = 0;

  /** Adds a read; answers the batch once it is full. */
  add(chunk: Buffer): Buffer | undefined {
    this.pending.push(chunk);
    this.size += chunk.length;
    return this.size >= BATCH_BYTES ? this.take() : undefined;
  }

  /** What was gathered (undefined: nothing), and starts again. */
  take(): Buffer | undefined {
    if (this.size === 0) return undefined;
    const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.size);
    this.pending = [];
    this.size = 0;
    return batch;
  }
}

export async function* batches(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const batch = new Batch();
  try {
    for await (const chunk of chunks) {
      const full = batch.add(chunk);
      if (full) yield full;
    }
  } catch (error) {
    // A cut connection: what arrived before it is written all the same, and the import resumes after it.
    const rest = batch.take();
    if (rest) yield rest;
    throw error;
  }
  const rest = batch.take();
  if (rest) yield rest;
}

/** The same for a pipe. A cut ends the pipe: what was not written yet is asked for again, from where the file ends. */
export function batching(): Transform {
  const batch = new Batch();
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, batch.add(chunk));
    },
    flush(callback) {
      callback(null, batch.take());
    },
  });
}
