/**
 * Inspection from S3 benchmark: `npm run bench:inspect-s3`.
 *
 * The Debian 12 guest of `bench:guest` (scripts/bench/guest-image.sh, 4 GiB virtual, raw and qcow2)
 * put into a single-node Ceph's RGW (scripts/cluster/ceph.sh, BlueStore on a sparse file, started
 * and removed by this script), then inspected as validation inspects a stored image (inspectImage,
 * full depth: integrity and guest checks) through the S3 reader (ranged GETs and a block cache,
 * lib/storage/s3-reader.ts) and, in the same run, from the local file: the baseline. Reports the
 * bytes brought from the store against the bytes the local inspection read, and the times, as
 * ratios (goal: at most 1.2 each); then the same for other block sizes, the choice's evidence.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspectImage } from "../../lib/inspect/index";
import { openFileReader } from "../../lib/inspect/readers/file";
import { openS3Reader, S3_READ_CACHE } from "../../lib/storage/s3-reader";
import { S3ImageStore } from "../../lib/storage/s3-store";
import { createTestBucket, startCeph } from "../../lib/testing/ceph";
import { recordingReader } from "../../lib/testing/file-reader";

const RUNS = 5;
const KiB = 1024;
const MiB = 1024 * KiB;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

interface Run {
  ms: number;
  /** Bytes the inspector asked for, and bytes that came from the file or the store. */
  asked: number;
  brought: number;
  /** Reads of the file, or GETs of the store. */
  requests: number;
}

async function timed(run: () => Promise<Omit<Run, "ms">>): Promise<Run> {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const result = await run();
    runs.push({ ...result, ms: performance.now() - start });
  }
  return { ...runs[runs.length - 1], ms: median(runs.map((run) => run.ms)) };
}

async function inspect(reader: Parameters<typeof inspectImage>[0], fileName: string): Promise<{ asked: number; reads: number }> {
  const recorded = recordingReader(reader);
  const report = await inspectImage(recorded, { depth: "full", fileName });
  if (!report.guest) throw new Error(`${fileName}: no guest found (${report.checks.map((check) => `${check.id}=${check.status}`).join(", ")})`);
  return { asked: recorded.bytesRead(), reads: recorded.reads.length };
}

async function main(): Promise<void> {
  const images = execFileSync("bash", [path.join(import.meta.dirname, "guest-image.sh")], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim();
  const cephDir = fs.mkdtempSync(path.join(process.env.HANGAR_CACHE ?? path.join(os.homedir(), ".cache/hangar"), "bench-ceph-"));
  console.log(`Starting Ceph (BlueStore) in ${cephDir}...`);
  const ceph = await startCeph(cephDir, { bluestore: "24G" });
  try {
    const bucket = await createTestBucket(ceph.settings);
    const store = new S3ImageStore(bucket.client, bucket.config.bucket);
    const rows: string[] = [];
    const sweep: string[] = [];
    for (const name of ["debian12.raw", "debian12.qcow2"]) {
      const file = path.join(images, name);
      const key = name.replace(/\W/g, "-");
      // adopt moves the file into the store: give it a link, the cached image stays.
      const link = path.join(cephDir, name);
      fs.linkSync(file, link);
      const uploadStart = performance.now();
      await store.adopt(key, link);
      console.log(`${name}: uploaded ${mib(fs.statSync(file).size)} in ${((performance.now() - uploadStart) / 1000).toFixed(1)} s`);

      const local = await timed(async () => {
        const reader = await openFileReader(file);
        try {
          const { asked, reads } = await inspect(reader, name);
          return { asked, brought: asked, requests: reads };
        } finally {
          await reader.close();
        }
      });
      const fromS3 = async (options = S3_READ_CACHE) =>
        timed(async () => {
          const reader = await openS3Reader(bucket.client, bucket.config.bucket, store.objectKey(key), options);
          const { asked } = await inspect(reader, name);
          return { asked, brought: reader.stats.bytesFetched, requests: reader.stats.fetches };
        });
      const s3 = await fromS3();
      rows.push(
        `| ${name} | ${mib(local.brought)} in ${local.requests} reads | ${local.ms.toFixed(0)} ms | ${mib(s3.brought)} in ${s3.requests} GETs | ${s3.ms.toFixed(0)} ms | ${(s3.brought / local.brought).toFixed(2)} | ${(s3.ms / local.ms).toFixed(2)} |`,
      );
      for (const blockSize of [16 * KiB, 32 * KiB, 64 * KiB, 128 * KiB, 256 * KiB]) {
        const run = await fromS3({ ...S3_READ_CACHE, blockSize, maxBlocks: Math.round((64 * MiB) / blockSize) });
        sweep.push(
          `| ${name} | ${blockSize / KiB} KiB | ${mib(run.brought)} | ${run.requests} | ${run.ms.toFixed(0)} ms | ${(run.brought / local.brought).toFixed(2)} | ${(run.ms / local.ms).toFixed(2)} |`,
        );
      }
      await store.remove(key);
    }
    await bucket.drop();
    console.log(
      `\nload average at the end: ${os
        .loadavg()
        .map((load) => load.toFixed(1))
        .join(", ")} (${os.cpus().length} cores)`,
    );
    console.log(
      `\nblock cache: ${S3_READ_CACHE.blockSize / KiB} KiB blocks, ${S3_READ_CACHE.maxBlocks} kept, reads of ${S3_READ_CACHE.bypassBytes / MiB} MiB and more uncached; median of ${RUNS}`,
    );
    console.log("| image (4 GiB virtual) | local file: read | time | S3: brought | time | bytes ratio | time ratio |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
    console.log("\n| image | block size | brought | GETs | time | bytes ratio | time ratio |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of sweep) console.log(row);
  } finally {
    await ceph.stop();
    fs.rmSync(cephDir, { recursive: true, force: true });
  }
}

await main();
