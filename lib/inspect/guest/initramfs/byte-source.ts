import { InspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";

/** Sequential bytes for the cpio parser: a seekable file (skips cost nothing) or a decompressed stream. */
export interface ByteSource {
  /** Up to `length` bytes; fewer only at the end. */
  read(length: number): Promise<Uint8Array>;
  /** The next bytes (up to `length`, at most 64 KiB) without consuming them. */
  peek(length: number): Promise<Uint8Array>;
  /** Drops `length` bytes; returns how many there were. */
  skip(length: number): Promise<number>;
  /** Bytes consumed so far. */
  readonly position: number;
}

/** A source over a reader from `offset`: skipping file data reads nothing. */
export class ReaderSource implements ByteSource {
  constructor(
    private readonly reader: RandomAccessReader,
    private at: number,
  ) {}

  get position(): number {
    return this.at;
  }

  async read(length: number): Promise<Uint8Array> {
    const bytes = await this.reader.read(this.at, length);
    this.at += bytes.length;
    return bytes;
  }

  peek(length: number): Promise<Uint8Array> {
    return this.reader.read(this.at, length);
  }

  skip(length: number): Promise<number> {
    const skipped = Math.max(0, Math.min(length, this.reader.size - this.at));
    this.at += skipped;
    return Promise.resolve(skipped);
  }
}

/**
 * A source over decompressed chunks. Holds at most one chunk plus the bytes of
 * a pending read (a cpio header or name), and counts everything it passes so
 * a decompression bomb stops at `limit`.
 */
export class StreamSource implements ByteSource {
  private chunk: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private consumed = 0;
  private done = false;
  /** A decompressor error met while looking ahead; raised only when the bytes before it run out. */
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly chunks: AsyncIterator<Uint8Array, unknown>,
    private readonly limit: number,
  ) {}

  get position(): number {
    return this.consumed;
  }

  private async fill(): Promise<boolean> {
    while (this.offset >= this.chunk.length) {
      if (this.failure) throw this.failure.error;
      if (this.done) return false;
      const next = await this.chunks.next();
      if (next.done) {
        this.done = true;
        return false;
      }
      this.chunk = next.value;
      this.offset = 0;
    }
    return true;
  }

  private advance(count: number): void {
    this.offset += count;
    this.consumed += count;
    if (this.consumed > this.limit) {
      throw new InspectError("limit", `The initramfs unpacks to more than ${this.limit} bytes; Hangar stopped reading it.`);
    }
  }

  async read(length: number): Promise<Uint8Array> {
    if (!(await this.fill())) return new Uint8Array(0);
    if (this.chunk.length - this.offset >= length) {
      const bytes = this.chunk.subarray(this.offset, this.offset + length);
      this.advance(length);
      return bytes;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length && (await this.fill())) {
      const take = Math.min(length - filled, this.chunk.length - this.offset);
      out.set(this.chunk.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.advance(take);
    }
    return out.subarray(0, filled);
  }

  async peek(length: number): Promise<Uint8Array> {
    if (!(await this.fill())) return new Uint8Array(0);
    while (this.chunk.length - this.offset < length && !this.done) {
      let next: IteratorResult<Uint8Array, unknown>;
      try {
        next = await this.chunks.next();
      } catch (error) {
        this.failure = { error };
        this.done = true;
        break;
      }
      if (next.done) {
        this.done = true;
        break;
      }
      const joined = new Uint8Array(this.chunk.length - this.offset + next.value.length);
      joined.set(this.chunk.subarray(this.offset));
      joined.set(next.value, this.chunk.length - this.offset);
      this.chunk = joined;
      this.offset = 0;
    }
    return this.chunk.subarray(this.offset, this.offset + length);
  }

  async skip(length: number): Promise<number> {
    let skipped = 0;
    while (skipped < length && (await this.fill())) {
      const take = Math.min(length - skipped, this.chunk.length - this.offset);
      skipped += take;
      this.advance(take);
    }
    return skipped;
  }

  /** Stops the decompressor (it reads no more input). */
  async close(): Promise<void> {
    this.done = true;
    await this.chunks.return?.(undefined);
  }
}
