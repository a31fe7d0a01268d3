import type { Hash } from "node:crypto";
import fs from "node:fs";
import { type BodySink, READ_BYTES } from "./guarded-response";

/**
 * Each buffer's size: small enough that its bytes are still in the CPU's cache when the thread pool copies
 * them into the page cache (4 MiB buffers cost up to twice the system time, docs/benchmarks.md), large
 * enough that a write is one hop to the thread pool per few reads.
 */
const BUFFER_BYTES = 256 << 10;
/** One buffer fills while the others are written; with all of them written at once, reading waits. */
const BUFFERS = 3;

/**
 * A body's bytes into a file from `position` on, through a few buffers used again and again: the socket
 * reads into one (BodySink) while the others are written with pwrite, so nothing is allocated or copied
 * per read. `written`: how far the file holds every byte (writes may end out of order).
 */
export class FileWriter implements BodySink {
  written: number;
  private readonly free: Buffer[];
  private current: Buffer;
  private fill = 0;
  private next: number;
  /** Writes under way, in file order: `written` moves past each once it and all before it are done. */
  private readonly writes: { end: number; done: boolean }[] = [];
  private resume: (() => void) | null = null;
  private failure: Error | null = null;
  private idle: (() => void) | null = null;

  constructor(
    private readonly fd: number,
    position: number,
    private readonly fail: (error: Error) => void,
    /** Fed every byte in file order from the buffers, before they are reused: no reading the file back. */
    private readonly hash: Hash | null = null,
  ) {
    this.written = this.next = position;
    this.free = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafeSlow(BUFFER_BYTES));
    this.current = this.free.pop() as Buffer;
  }

  space(): Buffer {
    return this.current.subarray(this.fill);
  }

  filled(length: number, resume: () => void): boolean {
    this.fill += length;
    if (BUFFER_BYTES - this.fill >= READ_BYTES) return true;
    this.flush();
    // The buffer to read into next is taken already; reading waits while the others are all being written.
    if (this.free.length > 0) return true;
    this.resume = resume;
    return false;
  }

  /** Writes what is left and waits for every write: after the body's end, and after a failure (what arrived is kept, to resume from). */
  async finish(): Promise<void> {
    if (this.fill > 0 && !this.failure) this.flush();
    if (this.writes.length > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    if (this.failure) throw this.failure;
  }

  private flush(): void {
    const buffer = this.current;
    const length = this.fill;
    const write = { end: this.next + length, done: false };
    this.writes.push(write);
    fs.write(this.fd, buffer, 0, length, this.next, (error) => {
      write.done = true;
      while (this.writes[0]?.done) this.written = (this.writes.shift() as typeof write).end;
      this.free.push(buffer);
      if (error && !this.failure) {
        this.failure = error;
        this.fail(error);
      }
      const resume = this.resume;
      this.resume = null;
      resume?.();
      if (this.writes.length === 0) this.idle?.();
    });
    // The thread pool writes the buffer while this thread hashes it (both only read it); it is reused once the write is done.
    this.hash?.update(buffer.subarray(0, length));
    this.next += length;
    this.current = this.free.pop() ?? Buffer.allocUnsafeSlow(BUFFER_BYTES);
    this.fill = 0;
  }
}
