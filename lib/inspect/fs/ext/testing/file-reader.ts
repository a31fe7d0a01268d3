import fs from "node:fs";
import type { RandomAccessReader } from "../../../reader";

/** A reader that remembers every range it was asked for, so tests can bound what a lookup reads. */
export interface RecordingReader extends RandomAccessReader {
  reads: Array<[offset: number, length: number]>;
  bytesRead(): number;
}

function recording(size: number, read: (offset: number, length: number) => Uint8Array): RecordingReader {
  const reads: Array<[number, number]> = [];
  return {
    size,
    reads,
    bytesRead: () => reads.reduce((sum, [, length]) => sum + length, 0),
    async read(offset, length) {
      const bytes = read(offset, Math.max(0, Math.min(length, size - offset)));
      reads.push([offset, bytes.length]);
      return bytes;
    },
  };
}

/** A file on disk, read on demand (tests only; the product's readers come from the disk layer). */
export function fileReader(path: string): RecordingReader & { close(): void } {
  const fd = fs.openSync(path, "r");
  const reader = recording(fs.fstatSync(fd).size, (offset, length) => {
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, bytes, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done);
  });
  return { ...reader, close: () => fs.closeSync(fd) };
}

/** Bytes in memory: an image loaded whole so that a test can damage it. */
export const bytesReader = (image: Uint8Array): RecordingReader =>
  recording(image.length, (offset, length) => image.slice(offset, offset + length));
