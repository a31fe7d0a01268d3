import fs from "node:fs";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * The disk the conversion and export benchmarks start from: 4 GiB with 1 GiB of data in 64 runs of 16 MiB
 * spread over it (text; patterned bytes, some with zeros inside), holes between, as a sparse raw file.
 */
export function writeSparseDisk(file: string): void {
  const fd = fs.openSync(file, "w");
  fs.ftruncateSync(fd, 4 * GiB);
  const run = Buffer.alloc(16 * MiB);
  for (let i = 0; i < 64; i++) {
    const kind = i % 4;
    if (kind === 0) run.fill(0).write("hangar conversion benchmark ".repeat(600_000), "latin1");
    else {
      for (let at = 0; at < run.length; at += 65536) run.writeUInt32LE((at * 2654435761 + i) >>> 0, at);
      if (kind === 3) run.fill(0, 4 * MiB, 8 * MiB);
    }
    fs.writeSync(fd, run, 0, run.length, i * 64 * MiB + (i % 7) * 512 * 1024);
  }
  fs.closeSync(fd);
}
