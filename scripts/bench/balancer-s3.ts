// 1 GiB through the balancer into S3 (issue 13): `scripts/cluster/up.sh` (PostgreSQL, a single-node Ceph with its RGW,
// two Hangar nodes, haproxy), then, from this one client process, alternately:
// - Hangar: tus-js-client through haproxy, in PATCHes of 64 MiB (as the cluster's tests send), which the balancer deals
//   to both nodes in turn; each node passes its PATCH's bytes on to RGW as multipart parts (@tus/s3-store); timed
//   until the last PATCH is answered (the upload finished: the image's object complete in the bucket);
// - the baseline: @aws-sdk/client-s3 straight to RGW, a multipart upload of the same file in Hangar's store's parts
//   (64 MiB, four at a time, lib/storage/s3-store.ts), timed until CompleteMultipartUpload answers.
// Ratio: the baseline's time over Hangar's (goal: at least 0.8). Validation of each image is waited out, and
// every object removed, before the next run.
//
//   npm run bench:balancer-s3 [-- --rounds 3] [-- --size 1024]   (MiB; after `npm run build`)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import * as tus from "tus-js-client";
import { clusterClient, startCluster } from "../../lib/testing/cluster";
import { freePort } from "../../lib/testing/hangar-process";
import { median, settle, sourceFile } from "./upload-common";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const rounds = option("--rounds", 3);
const MiB = 1024 ** 2;
const SIZE = option("--size", 1024) * MiB;
const PART = 64 * MiB;
const AT_ONCE = 4;

if (!fs.existsSync(".next/BUILD_ID")) throw new Error("The benchmark runs the production build: run `npm run build` first.");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-balancer-"));
// PostgreSQL runs as its own user (scripts/cluster/postgres.sh), which must reach the cluster's directory.
fs.chmodSync(dir, 0o755);
const file = sourceFile(dir, SIZE);
const cluster = await startCluster(path.join(dir, "cluster"), { port: await freePort() });
const client = await clusterClient(cluster, "bench");
const { db, store, token } = client;
const balancer = cluster.settings.HANGAR_URL;

/** Waits until the image's validation is over, then removes it through the API (its object goes with it). */
async function removeImage(imageId: string): Promise<void> {
  for (;;) {
    const image = await db.image.findUnique({ where: { id: imageId }, select: { status: true } });
    if (!image || !["uploading", "validating"].includes(image.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const answer = await fetch(`${balancer}/api/v1/images/${imageId}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
  if (!answer.ok) throw new Error(`deleting the image answered ${answer.status}: ${await answer.text()}`);
}

async function hangar(round: number): Promise<{ seconds: number; nodes: Set<string> }> {
  const nodes = new Set<string>();
  const started = performance.now();
  const uploadUrl = await new Promise<string>((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(fs.createReadStream(file), {
      endpoint: `${balancer}/api/v1/uploads`,
      headers: { authorization: `Bearer ${token}` },
      chunkSize: PART,
      uploadSize: SIZE,
      metadata: { filename: "disk.raw", name: `bench-balancer-${round}` },
      onAfterResponse: (_request, response) => void nodes.add(response.getHeader("x-served-by") ?? ""),
      onSuccess: () => resolve(upload.url ?? ""),
      onError: reject,
    });
    upload.start();
  });
  const seconds = (performance.now() - started) / 1000;
  const { imageId } = await db.upload.findUniqueOrThrow({ where: { id: uploadUrl.split("/").pop() ?? "" } });
  await removeImage(imageId);
  return { seconds, nodes };
}

async function sdk(round: number): Promise<number> {
  const Key = `bench/baseline-${round}`;
  const Bucket = store.bucket;
  const started = performance.now();
  const { UploadId } = await store.client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  try {
    const starts = Array.from({ length: Math.ceil(SIZE / PART) }, (_, index) => index * PART);
    const parts: { PartNumber: number; ETag?: string }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < starts.length) {
        const index = next++;
        const start = starts[index] ?? 0;
        const end = Math.min(SIZE, start + PART);
        const body = fs.createReadStream(file, { start, end: end - 1, highWaterMark: MiB });
        const { ETag } = await store.client.send(
          new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: index + 1, Body: body, ContentLength: end - start }),
        );
        parts[index] = { PartNumber: index + 1, ETag };
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    await store.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await store.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  await store.client.send(new DeleteObjectCommand({ Bucket, Key }));
  return seconds;
}

const times = { hangar: [] as number[], sdk: [] as number[] };
const served = new Set<string>();
try {
  for (let round = 1; round <= rounds; round++) {
    // Alternating who goes first, each after the dirty pages of the run before are written.
    for (const side of round % 2 ? (["hangar", "sdk"] as const) : (["sdk", "hangar"] as const)) {
      await settle();
      if (side === "hangar") {
        const run = await hangar(round);
        times.hangar.push(run.seconds);
        for (const node of run.nodes) served.add(node);
      } else times.sdk.push(await sdk(round));
    }
    console.log(
      `round ${round}/${rounds}: hangar through the balancer ${times.hangar.at(-1)?.toFixed(2)} s, SDK straight to RGW ${times.sdk.at(-1)?.toFixed(2)} s`,
    );
  }
} finally {
  await client.close();
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

const rate = (seconds: number) => `${(SIZE / MiB / seconds).toFixed(0)} MiB/s`;
const [h, s] = [median(times.hangar), median(times.sdk)];
console.log(
  `\n${SIZE / MiB} MiB, ${rounds} rounds alternating; PATCHes served by ${[...served].sort().join(", ")}; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}\n`,
);
console.log("| path | median | rounds | throughput |\n|---|---|---|---|");
console.log(
  `| hangar: tus-js-client through haproxy, two nodes, into RGW | ${h.toFixed(2)} s | ${times.hangar.map((t) => t.toFixed(2)).join(", ")} | ${rate(h)} |`,
);
console.log(`| @aws-sdk/client-s3 multipart straight to RGW | ${s.toFixed(2)} s | ${times.sdk.map((t) => t.toFixed(2)).join(", ")} | ${rate(s)} |`);
console.log(`\nRatio SDK / hangar (1 = as fast; goal >= 0.8): ${(s / h).toFixed(2)}`);
