import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { u32be, u64be, u64le } from "./binary";
import { inspectImage } from "./index";
import type { RandomAccessReader } from "./reader";
import { below, prng } from "./testing/prng";
import { qemuImgMissing } from "./testing/qemu-img";
import { patchedReader } from "../testing/patched-reader";
import { recordingReader } from "../testing/file-reader";
import { bytesReader } from "./readers/bytes";
import { readsOutside } from "./testing/reads-outside";

/**
 * Mutation fuzzing: thousands of randomly corrupted copies of a small image
 * of each format. The inspector must never throw, never read without bound,
 * never read outside the file, and never accept a file that qemu-img says has
 * a backing file or an external data file. Seeds are fixed, so a failure
 * prints the seed that reproduces it; HANGAR_FUZZ_ITERATIONS runs more.
 */
const family = fixtureFamily("formats");
const ITERATIONS = Number(process.env.HANGAR_FUZZ_ITERATIONS ?? 1200);
/** qemu-img runs on at most this many accepted mutants per format (they are the only ones that matter). */
const QEMU_CHECKS = 120;
const run = promisify(execFile);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-fuzz-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

type Region = [start: number, length: number];

/** Where each format keeps the metadata worth corrupting (besides the first 8 KiB and the last 4 KiB). */
function metadataRegions(name: string, b: Uint8Array): Region[] {
  if (name.endsWith(".qcow2")) {
    const cluster = 2 ** u32be(b, 20);
    const l1 = u64be(b, 40);
    const l2 = u64be(b, l1) % 2 ** 56;
    return [
      [l1, u32be(b, 36) * 8],
      [u64be(b, 48), cluster],
      [l2 - (l2 % 512), cluster],
    ];
  }
  if (name.endsWith(".vmdk")) {
    const gd = u64le(b, 56) === 2 ** 64 - 1 ? 0 : u64le(b, 56) * 512;
    return [
      [512, 10240],
      [gd, 4096],
      [b.length - 1536, 1536],
    ];
  }
  if (name.endsWith(".vhdx"))
    return [
      [64 * 1024, 4096],
      [128 * 1024, 4096],
      [192 * 1024, 4096],
      [256 * 1024, 4096],
      [1024 * 1024, 8192],
      [2 * 1024 * 1024, 8192],
    ];
  return [];
}

interface Mutant {
  patches: Map<number, number>;
  size: number;
}

function mutate(random: () => number, base: Uint8Array, regions: Region[]): Mutant {
  const patches = new Map<number, number>();
  const all: Region[] = [[0, 8192], [Math.max(0, base.length - 4096), 4096], [0, base.length], ...regions, ...regions];
  const count = 1 + below(random, 8);
  for (let i = 0; i < count; i++) {
    const [start, length] = all[below(random, all.length)];
    const at = start + below(random, Math.max(1, Math.min(length, base.length - start)));
    const kind = below(random, 5);
    if (kind === 0) patches.set(at, below(random, 256));
    else if (kind === 1) patches.set(at, base[at] ^ (1 << below(random, 8)));
    else if (kind === 2) patches.set(at, [0, 0xff, 0x80, 0x7f, 1][below(random, 5)]);
    else {
      // a whole 4- or 8-byte field set to something interesting: big, small, all ones
      const width = kind === 3 ? 4 : 8;
      const aligned = at - (at % width);
      const value = [0, 1, 0xff, below(random, 256)][below(random, 4)];
      for (let k = 0; k < width; k++) patches.set(aligned + k, k === width - 1 || value === 0xff ? value : below(random, 2) ? 0 : value);
    }
  }
  const truncate = below(random, 10) === 0;
  return { patches, size: truncate ? below(random, base.length) : base.length };
}

function mutantReader(base: Uint8Array, mutant: Mutant): RandomAccessReader {
  const patches = [...mutant.patches].map(([offset, value]) => ({ offset, bytes: Uint8Array.of(value) }));
  return patchedReader(bytesReader(base.subarray(0, mutant.size)), patches);
}

function materialize(base: Uint8Array, mutant: Mutant, file: string): void {
  const bytes = base.slice(0, mutant.size);
  for (const [at, value] of mutant.patches) if (at < bytes.length) bytes[at] = value;
  fs.writeFileSync(file, bytes);
}

const SEEDS = family.skipped ? [] : fs.readdirSync(family.file("seeds")).sort();

describe.skipIf(family.skipped)("mutation fuzzing", () => {
  for (const name of SEEDS) {
    it(`${name}: ${ITERATIONS} corrupted copies`, { timeout: 240_000 }, async () => {
      const base = new Uint8Array(fs.readFileSync(family.file(`seeds/${name}`)));
      const regions = metadataRegions(name, base);
      const seed = Array.from(name).reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
      const random = prng(seed);
      const acceptedMutants: Mutant[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const mutant = mutate(random, base, regions);
        const reader = recordingReader(mutantReader(base, mutant));
        const context = `${name}, seed ${seed}, mutant ${i}`;
        const report = await inspectImage(reader, { fileName: name, guest: false }).catch((error: unknown) => {
          throw new Error(`${context}: inspectImage threw ${error instanceof Error ? error.stack : String(error)}`);
        });
        expect(
          report.checks.map((c) => c.id),
          context,
        ).toEqual(["format.supported", "format.safe", "format.integrity"]);
        expect(readsOutside(reader.reads, reader.size), context).toEqual([]);
        // Bounded: metadata walks read each byte of the file at most a few times, and never in tiny endless steps.
        expect(reader.bytesRead(), context).toBeLessThan(3 * mutant.size + 4 * 1024 * 1024);
        expect(reader.reads.length, context).toBeLessThan(20_000);
        if (report.verdict === "accepted" && acceptedMutants.length < QEMU_CHECKS) acceptedMutants.push(mutant);
      }
      if (qemuImgMissing) return;
      // Every accepted mutant qemu opens must have neither a backing file nor an external data file.
      for (const [i, mutant] of acceptedMutants.entries()) {
        const file = path.join(scratch, `${i}-${name}`);
        materialize(base, mutant, file);
        const info = await run("qemu-img", ["info", "--output=json", file]).then(
          ({ stdout }) => JSON.parse(stdout) as { "backing-filename"?: string; "format-specific"?: { data?: { "data-file"?: string } } },
          () => null,
        );
        fs.rmSync(file);
        expect(info?.["backing-filename"], `${name} accepted mutant ${i}`).toBeUndefined();
        expect(info?.["format-specific"]?.data?.["data-file"], `${name} accepted mutant ${i}`).toBeUndefined();
      }
    });
  }
});
