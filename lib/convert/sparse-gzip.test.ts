import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { sparseGzip } from "./sparse-gzip";

const MiB = 1024 * 1024;

/** A disk of `layout` runs: a number is that many MiB of zeros, a string that many MiB of random data. */
function disk(layout: (number | `${number}`)[]): Buffer {
  return Buffer.concat(layout.map((run) => (typeof run === "number" ? Buffer.alloc(run * MiB) : randomBytes(Number(run) * MiB))));
}

/** Feeds `data` in pieces of `piece` bytes (not aligned to anything), as a file or socket stream might. */
async function encode(data: Buffer, piece: number): Promise<Buffer> {
  const pieces = function* () {
    for (let at = 0; at < data.length; at += piece) yield data.subarray(at, at + piece);
  };
  return buffer(Readable.from(pieces()).pipe(sparseGzip()));
}

describe("the gzip encoder for raw disks", () => {
  it.each([
    ["zeros and data interleaved, odd piece sizes", ["1", 7, "2", 3, "1"] as const, 100_003],
    ["data only", ["3"] as const, 65_536],
    ["zeros only", [16] as const, 1_048_576],
    ["an empty disk", [] as const, 4096],
  ])("%s: decodes to the same bytes with gunzip", async (_name, layout, piece) => {
    const raw = disk([...layout]);
    const encoded = await encode(raw, piece);
    expect(zlib.gunzipSync(encoded).equals(raw)).toBe(true);
  });

  it("sends the zeros of a sparse disk almost for free and the data at its own size", async () => {
    const raw = disk([60, "4", 60]);
    const encoded = await encode(raw, 1 * MiB);
    expect(encoded.length).toBeGreaterThan(4 * MiB);
    // 4 MiB of data in stored blocks (10 bytes of their headers per 64 KiB) and 120 MiB of zeros at 83 bytes per 64 KiB.
    expect(encoded.length).toBeLessThan(4 * MiB + 64 * 10 + 1920 * 83 + 64);
  });

  it("Debian's gzip reads it back byte for byte, and finds it intact", async () => {
    const raw = disk(["1", 5, "2", 1]);
    const file = path.join(os.tmpdir(), `hangar-sparse-gzip-${process.pid}.gz`);
    fs.writeFileSync(file, await encode(raw, 131_072));
    try {
      execFileSync("gzip", ["--test", file]);
      expect(execFileSync("gzip", ["--decompress", "--stdout", file], { maxBuffer: 64 * MiB }).equals(raw)).toBe(true);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("a torn source ends the encoding with its error", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("the disk went away"));
      },
    });
    await expect(pipeline(failing, sparseGzip(), async (encoded: AsyncIterable<Buffer>) => buffer(encoded))).rejects.toThrow("the disk went away");
  });
});
