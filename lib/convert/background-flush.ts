import type { FileHandle } from "node:fs/promises";

const MiB = 1024 * 1024;

/**
 * Makes a file durable as it is written rather than all at the end. Without it the kernel keeps every
 * written page dirty until the final fsync (a converter writes far less than the dirty-page thresholds), so
 * that fsync waits for the whole file to reach the disk while nothing else happens. Here, after every
 * `every` bytes, an fdatasync is started in the background (one at a time, on libuv's thread pool) while
 * the caller goes on reading, hashing and writing; the final `sync()` finds only the tail left.
 */
export class BackgroundFlush {
  private pending = 0;
  private running: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly file: FileHandle,
    private readonly every = 64 * MiB,
  ) {}

  /** Counts `bytes` just written, and starts a flush of what is written so far if enough piled up and none runs. */
  wrote(bytes: number): void {
    this.pending += bytes;
    if (this.pending < this.every || this.running) return;
    this.pending = 0;
    this.running = this.file.datasync().then(
      () => {
        this.running = null;
      },
      (error: unknown) => {
        // Kept for sync(), which every successful write path ends with: an unawaited rejection would crash the thread.
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        this.running = null;
      },
    );
  }

  /** Waits for the flush in flight, then makes the whole file durable (fsync: its size too). */
  async sync(): Promise<void> {
    await this.running;
    if (this.failure) throw this.failure;
    await this.file.sync();
  }
}
