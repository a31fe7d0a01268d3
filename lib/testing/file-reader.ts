import fs from "node:fs";
import type { RandomAccessReader } from "../inspect/reader";

/** A reader over a file on disk, for tests (the synchronous calls keep it simple). */
export function fileReader(file: string): RandomAccessReader & { close(): void } {
  const fd = fs.openSync(file, "r");
  const size = fs.fstatSync(fd).size;
  return {
    size,
    // A throw of readSync becomes the promise's rejection, as from an asynchronous reader.
    read: (offset, length) =>
      new Promise((resolve) => {
        const wanted = Math.max(0, Math.min(length, size - offset));
        const bytes = new Uint8Array(wanted);
        let done = 0;
        while (done < wanted) {
          const got = fs.readSync(fd, bytes, done, wanted - done, offset + done);
          if (got === 0) break;
          done += got;
        }
        resolve(done === wanted ? bytes : bytes.subarray(0, done));
      }),
    close: () => fs.closeSync(fd),
  };
}

/** Wraps a reader and records every range read, so a test can bound what an operation touched. */
export function recordingReader(
  inner: RandomAccessReader,
  reads: { offset: number; length: number }[] = [],
): RandomAccessReader & { reads: { offset: number; length: number }[]; bytesRead(): number } {
  return {
    size: inner.size,
    reads,
    bytesRead: () => reads.reduce((sum, read) => sum + read.length, 0),
    async read(offset, length) {
      const bytes = await inner.read(offset, length);
      reads.push({ offset, length: bytes.length });
      return bytes;
    },
  };
}
