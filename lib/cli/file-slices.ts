import fs from "node:fs";
import { Readable } from "node:stream";

/**
 * Bytes per read of the file being uploaded. tus-js-client's own file source reads a PATCH's slice 64 KiB at a time,
 * and each read is one more trip through the streams to the socket: the client's CPU per GiB was twice the SDK's,
 * which reads 1 MiB at a time (docs/decisions.md, "The S3 write path").
 */
const READ_SIZE = 1 << 20;

/** A file on disk as tus-js-client's file source: each PATCH's slice read in reads of READ_SIZE. */
export function fileSlices(file: string) {
  const size = fs.statSync(file).size;
  return {
    size,
    close: () => undefined,
    slice(start: number, end: number) {
      const last = Math.min(end, size);
      const stream = last > start ? fs.createReadStream(file, { start, end: last - 1, highWaterMark: READ_SIZE }) : Readable.from([]);
      return Promise.resolve({ value: Object.assign(stream, { size: Math.max(0, last - start) }), done: last >= size });
    },
  };
}
