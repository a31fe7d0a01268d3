import type { RandomAccessReader } from "../reader";

export interface ReadRecord {
  offset: number;
  length: number;
}

export interface RecordingReader extends RandomAccessReader {
  readonly reads: ReadRecord[];
  /** Bytes actually returned. */
  bytesRead(): number;
  /** Requests that start outside [0, size) or ask for a negative or non-integer range. */
  outOfBounds(): ReadRecord[];
}

/** Wraps a reader and records every read, so tests can see exactly what the inspector asked for. */
export function recordingReader(inner: RandomAccessReader): RecordingReader {
  const reads: ReadRecord[] = [];
  let returned = 0;
  return {
    size: inner.size,
    reads,
    async read(offset, length) {
      reads.push({ offset, length });
      const bytes = await inner.read(offset, length);
      returned += bytes.length;
      return bytes;
    },
    bytesRead: () => returned,
    outOfBounds: () =>
      reads.filter((r) => !Number.isSafeInteger(r.offset) || !Number.isSafeInteger(r.length) || r.offset < 0 || r.length < 0 || r.offset >= inner.size),
  };
}
