import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../../testing/fixtures";
import { InspectError } from "../../errors";
import { decompressExtent } from "./decompress";
import { lzo1xDecompress } from "./lzo1x";
import { COMPRESS_LZO } from "./structures";

const fixtures = fixtureFamily("fs-btrfs");
const vectors = fixtures.skipped ? [] : fs.readdirSync(fixtures.file("lzo")).filter((name) => name.endsWith(".lzo"));

/** An LZO1X stream of literals only, as an encoder may emit for incompressible data. */
function literalStream(data: Uint8Array): Uint8Array {
  const head: number[] = [];
  if (data.length <= 238) head.push(data.length + 17);
  else {
    // Instruction 0 in state 0: a literal run of 18 + 255 per zero byte + the next byte.
    let rest = data.length - 18;
    head.push(0);
    for (; rest > 255; rest -= 255) head.push(0);
    head.push(rest);
  }
  return Uint8Array.from([...head, ...data, 0x11, 0, 0]);
}

const le32 = (value: number) => [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >>> 24];

const expectCorrupt = (run: () => unknown) => {
  expect(run).toThrow(InspectError);
  try {
    run();
  } catch (error) {
    expect((error as InspectError).code).toBe("corrupt");
  }
};

describe.skipIf(fixtures.skipped)(`LZO1X against liblzo2 (fixtures: ${fixtures.skipped ?? "built"})`, () => {
  it("has vectors from both liblzo2 compressors", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(18);
  });

  it.each(vectors)("decompresses %s exactly", (name) => {
    const raw = fs.readFileSync(path.join(fixtures.file("lzo"), name.replace(/\.(1|999)\.lzo$/, ".raw")));
    const compressed = fs.readFileSync(path.join(fixtures.file("lzo"), name));
    expect(Buffer.from(lzo1xDecompress(compressed, raw.length))).toEqual(raw);
  });

  it("refuses streams that are cut off, too long for the output or malformed", () => {
    const raw = fs.readFileSync(path.join(fixtures.file("lzo"), "text.raw"));
    const compressed = fs.readFileSync(path.join(fixtures.file("lzo"), "text.999.lzo"));
    for (let cut = 1; cut < compressed.length; cut += 97) expectCorrupt(() => lzo1xDecompress(compressed.subarray(0, cut), raw.length));
    expectCorrupt(() => lzo1xDecompress(compressed, raw.length - 1));
    // A match reaching before the start of the output.
    expectCorrupt(() => lzo1xDecompress(Uint8Array.from([0x12, 0x41, 0x40, 0xff, 0x11, 0, 0]), 100));
    // A non-zero length in the end marker.
    expectCorrupt(() => lzo1xDecompress(Uint8Array.from([0x12, 0x41, 0x12, 0, 0]), 100));
  });
});

describe("btrfs' segmented LZO format", () => {
  it("reads segments of one sector each and skips the padding where a header would straddle a sector", () => {
    const sector = 4096;
    // A literal count whose segment ends less than 4 bytes before the sector boundary.
    let padded = 0;
    for (let count = 3900; count <= sector && padded === 0; count++) {
      const end = 8 + literalStream(new Uint8Array(count)).length;
      if (end < sector && sector - end < 4) padded = count;
    }
    expect(padded).toBeGreaterThan(0);
    const one = new Uint8Array(padded).map((_, i) => (i * 13) & 0xff);
    const two = new Uint8Array(100).map((_, i) => 255 - i);
    const segmentOne = literalStream(one);
    const segmentTwo = literalStream(two);
    const padding = sector - ((8 + segmentOne.length) % sector);
    const body = [...le32(segmentOne.length), ...segmentOne, ...new Array<number>(padding).fill(0), ...le32(segmentTwo.length), ...segmentTwo];
    const stream = Uint8Array.from([...le32(body.length + 4), ...body]);
    const out = decompressExtent(COMPRESS_LZO, stream, one.length + two.length, sector);
    expect(Buffer.from(out)).toEqual(Buffer.concat([one, two]));
  });

  it("rejects a total length larger than the extent and a segment running past it", () => {
    expectCorrupt(() => decompressExtent(COMPRESS_LZO, Uint8Array.from([...le32(100), 0, 0, 0, 0]), 10, 4096));
    expectCorrupt(() => decompressExtent(COMPRESS_LZO, Uint8Array.from([...le32(12), ...le32(50), 0x12, 1, 2, 3]), 10, 4096));
  });
});
