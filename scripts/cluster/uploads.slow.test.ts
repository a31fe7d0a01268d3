import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../lib/db/client";
import { hashStream } from "../../lib/storage/hash-file";
import type { S3ImageStore } from "../../lib/storage/s3-store";
import { bucketContents } from "../../lib/testing/ceph";
import { type ClusterClient, clusterClient, startCluster } from "../../lib/testing/cluster";
import { engineDir, type EngineProcess } from "../../lib/testing/engine-process";
import { freePort } from "../../lib/testing/hangar-process";

// Uploads through the balancer of the production shape (scripts/cluster/up.sh: PostgreSQL, Ceph, two nodes, haproxy
// with roundrobin, so consecutive requests of one upload alternate nodes), with the upload locks on PostgreSQL
// (lib/cluster/upload-locker.ts): a 512 MiB upload cut and resumed by a new client, and one whose node is SIGKILLed
// mid-PATCH. The slower tier: each moves half a gigabyte through two hops.

const MiB = 1024 * 1024;
const SIZE = 512 * MiB;
const CHUNK = 64 * MiB;
let dir: string;
let cluster: EngineProcess;
let client: ClusterClient;
let db: Db;
let store: S3ImageStore;
let url: string;
let token: string;
let source: string;
let sourceSha256: string;

beforeAll(async () => {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("This test runs the production build: run `npm run build` first.");
  dir = engineDir("cluster-uploads");
  source = path.join(dir, "source.raw");
  const block = randomBytes(16 * MiB);
  const hash = createHash("sha256");
  const out = fs.openSync(source, "w");
  // Sixteen MiB repeated, each copy marked, so that a part written at the wrong offset changes the hash.
  for (let i = 0; i < SIZE / block.length; i++) {
    block.writeUInt32BE(i, 0);
    fs.writeSync(out, block);
    hash.update(block);
  }
  fs.closeSync(out);
  sourceSha256 = hash.digest("hex");
  cluster = await startCluster(dir, { port: await freePort() });
  url = cluster.settings.HANGAR_URL;
  client = await clusterClient(cluster, "cluster uploads");
  ({ db, store, token } = client);
}, 600_000);

afterAll(async () => {
  await client.close();
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** tus-js-client through the balancer, in PATCHes of 64 MiB, retrying as `hangar upload` does. */
function upload(options: Partial<tus.UploadOptions>): { upload: tus.Upload; done: Promise<void> } {
  let started!: tus.Upload;
  const done = new Promise<void>((resolve, reject) => {
    started = new tus.Upload(fs.createReadStream(source), {
      endpoint: `${url}/api/v1/uploads`,
      headers: { authorization: `Bearer ${token}` },
      chunkSize: CHUNK,
      uploadSize: SIZE,
      metadata: { filename: "disk.raw", name: `cluster-${randomBytes(3).toString("hex")}` },
      retryDelays: [200, 500, 1000, 2000, 2000, 4000, 4000],
      onSuccess: () => resolve(),
      onError: reject,
      ...options,
    });
  });
  started.start();
  return { upload: started, done };
}

/** The image's stored bytes hash to the source's; the upload area and the catalog hold nothing else of it. */
async function expectStoredExactly(uploadUrl: string) {
  const id = uploadUrl.split("/").pop() ?? "";
  const { imageId, offset } = await db.upload.findUniqueOrThrow({ where: { id } });
  expect(offset).toBe(BigInt(SIZE));
  const image = await db.image.findUniqueOrThrow({ where: { id: imageId } });
  // In the bucket: the nodes share no directory.
  expect(await hashStream(store.openRead(image.storageKey ?? ""))).toBe(sourceSha256);
  expect(fs.existsSync(path.join(cluster.settings.HANGAR_DATA_DIR, "images"))).toBe(false);
  // Nothing left of the upload in the bucket (no multipart upload, no <id>, .info or .part object), no other image waiting for bytes.
  const { objects, uploads } = await bucketContents(store.client, store.bucket);
  expect(uploads).toEqual([]);
  expect(objects.filter((key) => !key.startsWith("images/"))).toEqual([]);
  expect(await db.image.count({ where: { status: "uploading" } })).toBe(0);
  expect(await db.upload.count({ where: { id: { not: id }, image: { status: "uploading" } } })).toBe(0);
}

/**
 * The process of the node that holds an upload's lock (lib/cluster/upload-locker.ts), i.e. that is receiving a PATCH:
 * the one at the other end of the lock session's connection.
 */
async function lockHolder(): Promise<number | null> {
  const rows = await db.$queryRawUnsafe<{ port: number }[]>(
    "SELECT a.client_port AS port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'hangar-upload-locks'",
  );
  if (rows.length !== 1) return null;
  const listing = execFileSync("ss", ["-tnpH", `sport = :${rows[0].port}`], { encoding: "utf8" });
  return Number(/pid=(\d+)/.exec(listing)?.[1]) || null;
}

it("completes a 512 MiB upload cut by its client and resumed by a new client, its PATCHes alternating nodes", async () => {
  const servedBy = new Set<string>();
  let cut!: () => void;
  const wasCut = new Promise<void>((resolve) => {
    cut = resolve;
  });
  const first = upload({
    onProgress(sent) {
      if (sent > SIZE / 3) cut();
    },
    onAfterResponse(_req, res) {
      servedBy.add(res.getHeader("x-served-by") ?? "");
    },
  });
  await wasCut;
  await first.upload.abort();
  const uploadUrl = first.upload.url ?? "";
  // A new client (another process, say) that knows only the upload's URL.
  const second = upload({
    uploadUrl,
    onAfterResponse(_req, res) {
      servedBy.add(res.getHeader("x-served-by") ?? "");
    },
  });
  await second.done;
  expect(servedBy).toEqual(new Set(["node1", "node2"]));
  await expectStoredExactly(uploadUrl);
}, 600_000);

it("completes a 512 MiB upload whose node is SIGKILLed mid-PATCH, the client resuming on the other node", async () => {
  const kill: { killed: Promise<number | null> | null } = { killed: null };
  const run = upload({
    onProgress(sent) {
      if (kill.killed || sent < SIZE / 3) return;
      kill.killed = (async () => {
        // The PATCH that carries these bytes holds the lock on its node (or takes it within moments).
        for (let tries = 0; tries < 200; tries++) {
          const pid = await lockHolder();
          if (pid) {
            process.kill(pid, "SIGKILL");
            return pid;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return null;
      })();
    },
  });
  await run.done;
  expect(await kill.killed).toBeGreaterThan(0);
  await expectStoredExactly(run.upload.url ?? "");
}, 600_000);
