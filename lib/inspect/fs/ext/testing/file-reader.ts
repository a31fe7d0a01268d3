import fs from "node:fs";
import type { RandomAccessReader } from "../../../reader";

/** A RandomAccessReader over a file on disk, recording every range read (tests only). */
export function fileReader(path: string): RandomAccessReader & { reads: Array<[number, number]>; bytesRead(): number; close(): void } {
  const fd = fs.openSync(path, "r");
  const size = fs.fstatSync(fd).size;
  const reads: Array<[number, number]> = [];
  return {
    size,
    reads,
    bytesRead: () => reads.reduce((sum, [, length]) => sum + length, 0),
    close: () => fs.closeSync(fd),
    async read(offset, length) {
      const clipped = Math.max(0, Math.min(length, size - offset));
      const bytes = new Uint8Array(clipped);
      let done = 0;
      while (done < clipped) {
        const n = fs.readSync(fd, bytes, done, clipped - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      reads.push([offset, done]);
      return bytes.subarray(0, done);
    },
  };
}
