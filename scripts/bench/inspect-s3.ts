/**
 * Inspection from S3 benchmark: `npm run bench:inspect-s3`.
 *
 * The Debian 12 guest of `bench:guest` (scripts/bench/guest-image.sh, 4 GiB virtual, raw and qcow2)
 * put into a single-node Ceph's RGW (scripts/cluster/ceph.sh, BlueStore on a sparse file in
 * ~/.cache/hangar/bench-ceph, kept so that a second run does not upload again), then inspected as validation inspects a stored image (inspectImage,
 * full depth: integrity and guest checks) through the S3 reader (ranged GETs and a block cache,
 * lib/storage/s3-reader.ts) and, in the same run, from the local file: the baseline. Reports the
 * bytes brought from the store against the bytes the local inspection read, and the times, as
 * ratios (goal: at most 1.2 each); then other block sizes, with and without read-ahead: the
 * choice's evidence. Local and S3 runs take turns, so that a change of load hits both.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspectImage } from "../../lib/inspect/index";
import { openFileReader } from "../../lib/inspect/readers/file";
import type { BlockCacheOptions } from "../../lib/storage/block-cache";
import { createS3Client } from "../../lib/storage/s3-client";
import { s3Config } from "../../lib/storage/s3-config";
import { openS3Reader, S3_READ_CACHE } from "../../lib/storage/s3-reader";
import { S3ImageStore } from "../../lib/storage/s3-store";
import { startCeph } from "../../lib/testing/ceph";
import { recordingReader } from "../../lib/testing/file-reader";

const RUNS = 5;
const KiB = 1024;
const MiB = 1024 * KiB;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

interface Measure {
  /** Bytes the inspector asked for. */
  asked: number;
  /** Bytes that came from the file or the store, in how many reads or GETs. */
  brought: number;
  requests: number;
}

async function inspect(reader: Parameters<typeof inspectImage>[0], fileName: string): Promise<number> {
  const recorded = recordingReader(reader);
  const report = await inspectImage(recorded, { depth: "full", fileName });
  if (!report.guest) throw new Error(`${fileName}: no guest found (${report.checks.map((check) => `${check.id}=${check.status}`).join(", ")})`);
  return recorded.bytesRead();
}

/** Runs each variant `runs` times, taking turns (ABAB...), so that a change of load hits all alike; median times. */
async function interleaved(variants: (() => Promise<Measure>)[], runs: number): Promise<(Measure & { ms: number })[]> {
  const times = variants.map((): number[] => []);
  const last: Measure[] = [];
  for (let run = 0; run < runs; run++) {
    for (const [i, variant] of variants.entries()) {
      const start = performance.now();
      last[i] = await variant();
      times[i].push(performance.now() - start);
    }
  }
  return last.map((measure, i) => ({ ...measure, ms: median(times[i]) }));
}

const ratio = (value: number, base: number) => (value / base).toFixed(2);

async function main(): Promise<void> {
  const images = execFileSync("bash", [path.join(import.meta.dirname, "guest-image.sh")], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim();
  // Kept between runs (BlueStore keeps the objects): the next run skips the uploads. Remove it to reclaim the space.
  const cephDir = path.join(process.env.HANGAR_CACHE ?? path.join(os.homedir(), ".cache/hangar"), "bench-ceph");
  console.log(`Starting Ceph (BlueStore) in ${cephDir}...`);
  const ceph = await startCeph(cephDir, { bluestore: "24G" });
  try {
    const config = s3Config(ceph.settings);
    const client = createS3Client(config);
    const store = new S3ImageStore(config, { prefix: "bench/" }, client);
    const rows: string[] = [];
    const sweep: string[] = [];
    for (const name of ["debian12.raw", "debian12.qcow2"]) {
      const file = path.join(images, name);
      const key = name.replace(/\W/g, "-");
      if ((await store.size(key)) !== fs.statSync(file).size) {
        // adopt moves the file into the store: give it a link, the cached image stays.
        const link = path.join(cephDir, name);
        fs.rmSync(link, { force: true });
        fs.linkSync(file, link);
        const start = performance.now();
        await store.adopt(key, link);
        console.log(`${name}: uploaded ${mib(fs.statSync(file).size)} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
      }
      const local = async (): Promise<Measure> => {
        const reader = await openFileReader(file);
        try {
          const asked = await inspect(reader, name);
          return { asked, brought: asked, requests: 0 };
        } finally {
          await reader.close();
        }
      };
      const fromS3 =
        (options: BlockCacheOptions = S3_READ_CACHE) =>
        async (): Promise<Measure> => {
          const reader = await openS3Reader(client, config.bucket, store.objectKey(key), options);
          const asked = await inspect(reader, name);
          return { asked, brought: reader.stats.bytesFetched, requests: reader.stats.fetches };
        };
      const [base, s3] = await interleaved([local, fromS3()], RUNS);
      rows.push(
        `| ${name} | ${mib(base.brought)} | ${base.ms.toFixed(0)} ms | ${mib(s3.brought)} in ${s3.requests} GETs | ${s3.ms.toFixed(0)} ms | ${ratio(s3.brought, base.brought)} | ${ratio(s3.ms, base.ms)} |`,
      );
      const variants: BlockCacheOptions[] = [16, 32, 64].flatMap((size) =>
        [0, 1 * MiB].map((readahead) => ({ ...S3_READ_CACHE, blockSize: size * KiB, maxBlocks: (64 * MiB) / (size * KiB), readahead })),
      );
      const measured = await interleaved([local, ...variants.map((options) => fromS3(options))], 3);
      for (const [i, options] of variants.entries()) {
        const run = measured[i + 1];
        sweep.push(
          `| ${name} | ${options.blockSize / KiB} KiB | ${options.readahead / MiB} MiB | ${mib(run.brought)} | ${run.requests} | ${ratio(run.brought, measured[0].brought)} | ${ratio(run.ms, measured[0].ms)} |`,
        );
      }
    }
    client.destroy();
    console.log(
      `\nload average at the end: ${os
        .loadavg()
        .map((load) => load.toFixed(1))
        .join(", ")} (${os.cpus().length} cores)`,
    );
    const { blockSize, maxBlocks, bypassBytes, readahead } = S3_READ_CACHE;
    console.log(
      `\nS3 reader: ${blockSize / KiB} KiB blocks, ${maxBlocks} kept, ${readahead / MiB} MiB read ahead of a stream, reads of ${bypassBytes / MiB} MiB and more uncached; runs interleaved with the local ones, median of ${RUNS}`,
    );
    console.log("| image (4 GiB virtual) | local file: read | time | S3: brought | time | bytes ratio | time ratio |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
    console.log("\n| image | block size | read ahead | brought | GETs | bytes ratio | time ratio |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of sweep) console.log(row);
  } finally {
    await ceph.stop();
  }
}

await main();
