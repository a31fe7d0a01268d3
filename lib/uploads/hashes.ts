import { createHash, type Hash } from "node:crypto";
import fs from "node:fs";

/** The SHA-256 of an upload's first `offset` bytes, ready to take the next ones. */
export interface RunningHash {
  hash: Hash;
  offset: number;
}

/**
 * Running hashes of uploads in progress, so that the checksum is computed as the
 * bytes stream in and the finished file is never read again. Node cannot
 * serialize a hash's state, so after a restart (or a write that failed half-way)
 * the partial file is hashed once, at disk speed, before the next bytes.
 */
export class UploadHashes {
  private readonly running = new Map<string, RunningHash>();
  private readonly rebuilding = new Map<string, Promise<RunningHash>>();

  /** The running hash at exactly `offset`, re-reading the partial file when memory does not have it. */
  async at(id: string, filePath: string, offset: number): Promise<RunningHash> {
    const current = this.running.get(id);
    if (current && current.offset === offset) return current;
    this.running.delete(id);
    let pending = this.rebuilding.get(id);
    if (!pending) {
      pending = hashPrefix(filePath, offset).finally(() => this.rebuilding.delete(id));
      this.rebuilding.set(id, pending);
    }
    const rebuilt = await pending;
    if (rebuilt.offset !== offset) throw new Error(`upload ${id}: the partial file has ${rebuilt.offset} bytes, not ${offset}`);
    this.running.set(id, rebuilt);
    return rebuilt;
  }

  /** After a write: keep the hash only if it covers exactly the bytes now in the file. */
  settle(id: string, state: RunningHash, fileSize: number): void {
    if (state.offset === fileSize) this.running.set(id, state);
    else this.running.delete(id);
  }

  /** The hex digest of the whole file of `size` bytes; the running state is consumed. */
  async digest(id: string, filePath: string, size: number): Promise<string> {
    const state = await this.at(id, filePath, size);
    this.running.delete(id);
    return state.hash.digest("hex");
  }

  forget(id: string): void {
    this.running.delete(id);
  }
}

async function hashPrefix(filePath: string, offset: number): Promise<RunningHash> {
  const hash = createHash("sha256");
  let read = 0;
  if (offset > 0) {
    for await (const chunk of fs.createReadStream(filePath, { start: 0, end: offset - 1, highWaterMark: 4 << 20 })) {
      hash.update(chunk as Buffer);
      read += (chunk as Buffer).length;
    }
  }
  return { hash, offset: read };
}
