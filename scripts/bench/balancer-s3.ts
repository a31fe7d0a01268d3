// 1 GiB through the balancer into S3 (issue 13): `scripts/cluster/up.sh` (PostgreSQL, a single-node Ceph with its RGW,
// two Hangar nodes, haproxy), then, from this one client process, alternately:
// - Hangar: tus-js-client through haproxy, once for each PATCH size of --chunks (MiB; by default 64, as the cluster's
//   tests send, and 256, `hangar upload`'s default), which the balancer deals to both nodes in turn; each node passes
//   its PATCH's bytes on to RGW as multipart parts (@tus/s3-store); timed until the last PATCH is answered (the upload
//   finished: the image's object complete in the bucket);
// - the baseline: @aws-sdk/client-s3 straight to RGW, a multipart upload of the same file in Hangar's store's parts
//   (64 MiB, four at a time, lib/storage/s3-store.ts), timed until CompleteMultipartUpload answers.
// Ratio: the baseline's time over Hangar's (goal: at least 0.8). Validation of each image is waited out, every object
// removed and RGW's garbage collected (memstore holds deleted data until then) before the next run. Each run's CPU
// seconds by process (the client, the nodes, haproxy, RGW, the OSD) say where the time goes, whatever the load.
//
//   npm run bench:balancer-s3 [-- --rounds 3] [-- --size 1024] [-- --chunks 64,256]   (MiB; after `npm run build`)
//   [-- --profile DIR]: a CPU profile of each node over each Hangar run, in DIR (scripts/bench/profile-nodes.mjs).
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
import { DEFAULT_CHUNK_SIZE } from "../../lib/cli/commands/upload";
import { fileSlices } from "../../lib/cli/file-slices";
import { collectGarbage } from "../../lib/testing/ceph";
import { clusterClient, startCluster } from "../../lib/testing/cluster";
import { freePort } from "../../lib/testing/hangar-process";
import { median, settle, sourceFile, treeCpuSecondsBy, treeProcesses } from "./upload-common";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const rounds = option("--rounds", 3);
const MiB = 1024 ** 2;
const SIZE = option("--size", 1024) * MiB;
const PART = 64 * MiB;
const AT_ONCE = 4;
const chunkList = args.includes("--chunks") ? (args[args.indexOf("--chunks") + 1] ?? "") : `64,${DEFAULT_CHUNK_SIZE / MiB}`;
const CHUNKS = chunkList.split(",").map((mib) => Number(mib) * MiB);
if (CHUNKS.some((chunk) => !(chunk >= 5 * MiB))) throw new Error(`--chunks takes PATCH sizes in MiB of at least 5, such as 64,256, not "${chunkList}"`);

const profileDir = args.includes("--profile") ? path.resolve(args[args.indexOf("--profile") + 1] ?? "") : null;
if (profileDir) {
  fs.mkdirSync(profileDir, { recursive: true });
  // Inherited by the nodes up.sh starts; the preload profiles only them.
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import ${path.resolve("scripts/bench/profile-nodes.mjs")}`.trim();
  process.env.HANGAR_PROFILE_DIR = profileDir;
}

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

/** Which part of the setup a process is, for its CPU seconds. */
function role(command: string): string | null {
  if (command.includes("scripts/bench/balancer-s3.ts")) return "client";
  if (command.includes("scripts/start.ts")) return "nodes";
  for (const name of ["haproxy", "radosgw", "ceph-osd"]) if (command.startsWith(name) || command.includes(`/${name} `)) return name;
  return null;
}
const ROLES = ["client", "nodes", "haproxy", "radosgw", "ceph-osd"];

/** With --profile, starts or stops (and writes) each node's CPU profile. */
function toggleNodeProfiles(): void {
  if (!profileDir) return;
  for (const node of treeProcesses(process.pid).filter(({ command }) => role(command) === "nodes")) process.kill(node.pid, "SIGUSR2");
}

/** Runs `measured`, and the CPU seconds each role used meanwhile. */
async function withCpu<T>(measured: () => Promise<T>): Promise<{ result: T; cpu: Map<string, number> }> {
  const before = treeCpuSecondsBy(process.pid, role);
  const result = await measured();
  const after = treeCpuSecondsBy(process.pid, role);
  return { result, cpu: new Map(ROLES.map((name) => [name, (after.get(name) ?? 0) - (before.get(name) ?? 0)])) };
}

async function hangar(round: number, chunkSize: number): Promise<{ seconds: number; nodes: Set<string>; imageId: string }> {
  const nodes = new Set<string>();
  const started = performance.now();
  const uploadUrl = await new Promise<string>((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(fs.createReadStream(file), {
      endpoint: `${balancer}/api/v1/uploads`,
      headers: { authorization: `Bearer ${token}` },
      chunkSize,
      uploadSize: SIZE,
      // What `hangar upload` gives tus-js-client: the file in reads of 1 MiB.
      fileReader: { openFile: () => Promise.resolve(fileSlices(file)) },
      metadata: { filename: "disk.raw", name: `bench-balancer-${round}` },
      onAfterResponse: (_request, response) => void nodes.add(response.getHeader("x-served-by") ?? ""),
      onSuccess: () => resolve(upload.url ?? ""),
      onError: reject,
    });
    upload.start();
  });
  const seconds = (performance.now() - started) / 1000;
  const { imageId } = await db.upload.findUniqueOrThrow({ where: { id: uploadUrl.split("/").pop() ?? "" } });
  return { seconds, nodes, imageId };
}

/** Where the SDK's run of `round` puts its object. */
const baselineKey = (round: number) => `bench/baseline-${round}`;

async function sdk(round: number): Promise<number> {
  const Key = baselineKey(round);
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
  return (performance.now() - started) / 1000;
}

const sides = [...CHUNKS.map((chunk) => `hangar-${chunk / MiB}`), "sdk"];
const times = new Map(sides.map((side) => [side, [] as number[]]));
const cpu = new Map(sides.map((side) => [side, new Map<string, number>()]));
const served = new Set<string>();
const cephDir = path.join(dir, "cluster", "ceph");
try {
  for (let round = 1; round <= rounds; round++) {
    // Who goes first turns each round, each run after the dirty pages of the run before are written and the data it
    // deleted is collected (memstore holds it until then, and a full OSD blocks writes).
    const shift = (round - 1) % sides.length;
    const order = [...sides.slice(shift), ...sides.slice(0, shift)];
    for (const side of order) {
      await collectGarbage(cephDir);
      await settle();
      const chunk = side === "sdk" ? null : Number(side.slice("hangar-".length)) * MiB;
      if (chunk !== null) toggleNodeProfiles();
      const run = await withCpu(async () => {
        if (chunk === null) return { seconds: await sdk(round), nodes: new Set<string>(), imageId: null };
        return hangar(round, chunk);
      });
      if (chunk !== null) toggleNodeProfiles();
      times.get(side)?.push(run.result.seconds);
      for (const [name, seconds] of run.cpu) cpu.get(side)?.set(name, (cpu.get(side)?.get(name) ?? 0) + seconds);
      for (const node of run.result.nodes) served.add(node);
      if (run.result.imageId) await removeImage(run.result.imageId);
      else await store.client.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: baselineKey(round) }));
    }
    console.log(`round ${round}/${rounds}: ${sides.map((side) => `${side} ${times.get(side)?.at(-1)?.toFixed(2)} s`).join(", ")}`);
  }
} finally {
  await client.close();
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

const rate = (seconds: number) => `${(SIZE / MiB / seconds).toFixed(0)} MiB/s`;
const medians = new Map(sides.map((side) => [side, median(times.get(side) ?? [])]));
const baseline = medians.get("sdk") ?? 0;
console.log(
  `\n${SIZE / MiB} MiB, ${rounds} rounds, turns alternating; PATCHes served by ${[...served].sort().join(", ")}; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}\n`,
);
console.log(`| path | median | rounds | throughput | SDK / path | CPU s per run: ${ROLES.join(", ")} |\n|---|---|---|---|---|---|`);
for (const side of sides) {
  const label =
    side === "sdk"
      ? "@aws-sdk/client-s3 multipart straight to RGW"
      : `hangar: tus-js-client, PATCHes of ${side.slice("hangar-".length)} MiB, haproxy, two nodes`;
  const taken = medians.get(side) ?? 0;
  const perRun = ROLES.map((name) => ((cpu.get(side)?.get(name) ?? 0) / rounds).toFixed(2)).join(", ");
  console.log(
    `| ${label} | ${taken.toFixed(2)} s | ${(times.get(side) ?? []).map((t) => t.toFixed(2)).join(", ")} | ${rate(taken)} | ${(baseline / taken).toFixed(2)} | ${perRun} |`,
  );
}
console.log("\nGoal (issue 13): SDK / hangar at least 0.8.");
