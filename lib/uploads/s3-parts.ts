import type { Readable } from "node:stream";

/** One part's memory, held while the part fills and until it is sent. */
export interface PartBuffer {
  buffer: Buffer;
  /** Gives the memory back; `reusable` false after a failed send, whose socket may not be done with it. */
  release(reusable: boolean): void;
}

export interface PartSending {
  /** Waited for before a part starts to fill: the bound on the memory all parts in flight hold. */
  acquire(): Promise<PartBuffer>;
  /** Sends one part (the last may be shorter than a buffer), in order of the bytes. */
  send(part: Buffer): Promise<void>;
}

/**
 * The node's memory for parts: at most `count` buffers at once. Those of the usual `size` are made on first use and
 * kept, so that a GiB does not cost 64 allocations of 16 MiB and the collections they set off (measured: a fifth of
 * the node's CPU); a larger part (an upload too big for 10,000 parts of `size`) gets a buffer of its own, dropped after.
 */
export class PartBuffers {
  private readonly free: Buffer[] = [];
  private readonly waiting: (() => void)[] = [];
  private made = 0;

  constructor(
    readonly size: number,
    private readonly count: number,
  ) {}

  async acquire(size = this.size): Promise<PartBuffer> {
    while (this.free.length === 0 && this.made >= this.count) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const kept = size === this.size ? this.free.pop() : undefined;
    let buffer: Buffer;
    if (kept) buffer = kept;
    else {
      // A kept buffer of the usual size makes room for a larger one.
      if (this.made >= this.count && this.free.pop()) this.made -= 1;
      this.made += 1;
      buffer = Buffer.allocUnsafeSlow(size);
    }
    return { buffer, release: (reusable) => this.give(buffer, reusable && size === this.size) };
  }

  private give(buffer: Buffer, keep: boolean): void {
    if (keep) this.free.push(buffer);
    else this.made -= 1;
    this.waiting.shift()?.();
  }
}

/**
 * Cuts a PATCH's bytes into parts held in memory, each sent as soon as it is full while the next fills (@tus/s3-store
 * writes each part to a temporary file in the request's small chunks and reads it back to send it: most of a node's
 * CPU per byte, docs/decisions.md "The S3 write path"). Each request chunk is copied once, into its part; the part
 * goes to the SDK in one write. The source's end sends what has filled of the last part; its error
 * drops it (the client sends those bytes again), and a part that fails stops the source. Answers the bytes of the
 * parts sent, once every part in flight has settled; any failure rejects after that, never with a part still going.
 */
export async function sendInParts(source: Readable, sending: PartSending): Promise<number> {
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  let filling: { memory: PartBuffer; length: number } | null = null;
  const ship = (memory: PartBuffer, length: number) => {
    const part = memory.buffer.subarray(0, length);
    const settled = sending.send(part).then(
      () => {
        sent += part.length;
        memory.release(true);
      },
      (error: unknown) => {
        memory.release(false);
        source.destroy(error instanceof Error ? error : new Error(String(error)));
        throw error;
      },
    );
    // Observed by Promise.all below; meanwhile not an unhandled rejection.
    settled.catch(() => undefined);
    inFlight.push(settled);
  };
  let failure: { error: unknown } | null = null;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length;) {
        filling ??= { memory: await sending.acquire(), length: 0 };
        const copied = chunk.copy(filling.memory.buffer, filling.length, at);
        filling.length += copied;
        at += copied;
        if (filling.length === filling.memory.buffer.length) {
          ship(filling.memory, filling.length);
          filling = null;
        }
      }
    }
    if (filling) {
      ship(filling.memory, filling.length);
      filling = null;
    }
  } catch (error) {
    failure = { error };
  } finally {
    filling?.memory.release(true);
    await Promise.allSettled(inFlight);
  }
  if (failure) throw failure.error;
  await Promise.all(inFlight);
  return sent;
}
