import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteObjectCommand, GetObjectCommand, ListMultipartUploadsCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createToken } from "../auth/tokens";
import { type UploadLocker, uploadLockerFor } from "../cluster/upload-locker";
import { validationsSettled } from "../catalog/validation";
import { createTestBucket, type TestBucket } from "../testing/ceph";
import { makeUploadTestEnv, otherProcess, type UploadTestEnv } from "../testing/upload-env";
import { GiB } from "./config";
import type { UploadDeps } from "./deps";
import { COMPLETION_IDLE_MS, finishCompleteUploads } from "./finish";
import { uploadHousekeeping } from "./jobs";
import { uploadRoute } from "./route";

// Uploads in progress on S3 (lib/uploads/s3-area.ts) with two nodes in this process: two HTTP servers, each with
// its own tus server, running hashes and PostgreSQL upload locks (lib/cluster/upload-locker.ts), on one database
// and one bucket of the run's Ceph RGW. Requests go to either node, as a balancer sends them.

const MiB = 1024 * 1024;
let bucket: TestBucket;
let env: UploadTestEnv;
let token: string;
const servers: http.Server[] = [];
const lockers: UploadLocker[] = [];
let nodes: string[];

async function startNode(deps: UploadDeps): Promise<string> {
  const route = uploadRoute(deps);
  const server = http.createServer((req, res) => void route.handle(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// One database for the suite: the route authenticates against the process's database (lib/db/client.ts), opened once.
beforeAll(async () => {
  bucket = await createTestBucket();
  env = await makeUploadTestEnv({ userQuota: 10 * GiB }, { s3: bucket });
  process.env.DATABASE_URL = env.databaseUrl;
  const created = await createToken(env.db, env.alice, { name: "s3 uploads", expiresInDays: null });
  if (!created.ok) throw new Error(created.error.message);
  token = created.value.secret;
  const locker = uploadLockerFor(env.databaseUrl);
  lockers.push(locker);
  nodes = [await startNode(env.uploads), await startNode({ ...otherProcess(env), locker })];
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers.splice(0)) server.close();
  await Promise.all(lockers.splice(0).map((locker) => locker.close()));
  await validationsSettled();
  await env.close();
  await bucket.drop();
});

const headers = () => ({ "tus-resumable": "1.0.0", authorization: `Bearer ${token}` });

async function create(node: string, length: number, name: string): Promise<string> {
  const response = await fetch(`${node}/api/v1/uploads`, {
    method: "POST",
    headers: { ...headers(), "upload-length": String(length), "upload-metadata": `name ${Buffer.from(name).toString("base64")}` },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return new URL(response.headers.get("location") ?? "", node).pathname;
}

function patch(node: string, path: string, offset: number, body: BodyInit, extra: RequestInit = {}) {
  return fetch(`${node}${path}`, {
    method: "PATCH",
    headers: { ...headers(), "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
    body,
    ...extra,
  });
}

async function offsetOn(node: string, path: string): Promise<number> {
  const head = await fetch(`${node}${path}`, { method: "HEAD", headers: headers() });
  expect(head.status).toBe(200);
  return Number(head.headers.get("upload-offset"));
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The image's object read back from the bucket, and what else the bucket holds; then the object goes, so that the next test starts from an empty bucket. */
async function stored(imageId: string) {
  const { storageKey } = await env.db.image.findUniqueOrThrow({ where: { id: imageId } });
  const key = `images/${storageKey ?? ""}`;
  const object = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.config.bucket, Key: key }));
  const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  const contents = await bucket.contents();
  await bucket.client.send(new DeleteObjectCommand({ Bucket: bucket.config.bucket, Key: key }));
  return { key, bytes, contents };
}

it("takes PATCHes that alternate between nodes, finishes into the image's object without a copy through a node, and leaves nothing else", async () => {
  // Not a multiple of the part size, in PATCHes that leave tails shorter than S3's least part between nodes.
  const source = randomBytes(37 * MiB + 123);
  const path = await create(nodes[0], source.length, "alternating");
  const upload = path.split("/").pop() ?? "";
  // 3 MiB is under S3's least part: it waits as a .part object for the next PATCH, on the other node.
  for (let offset = 0, turn = 0; offset < source.length; turn++) {
    const node = nodes[turn % 2];
    expect(await offsetOn(node, path)).toBe(offset);
    const end = offset + (turn % 2 ? 3 : 7) * MiB;
    const response = await patch(node, path, offset, new Uint8Array(source.subarray(offset, end)));
    expect(response.status, await response.clone().text()).toBe(204);
    offset = Math.min(end, source.length);
  }
  const { imageId } = await env.db.upload.findUniqueOrThrow({ where: { id: upload } });
  const { key, bytes, contents } = await stored(imageId);
  expect(sha256(bytes)).toBe(sha256(source));
  // No multipart upload, .info or .part object: only the image.
  expect(contents).toEqual({ objects: [key], uploads: [] });
  // Either node answers that the upload is complete.
  for (const node of nodes) expect(await offsetOn(node, path)).toBe(source.length);
});

it("hands an upload over to the node a client resumes on while another node still holds its stalled PATCH", async () => {
  const source = randomBytes(24 * MiB);
  const path = await create(nodes[0], source.length, "handover");
  // A client that sends 9 MiB to node A and then stalls, its connection open.
  const first = source.subarray(0, 9 * MiB);
  const stalled = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(first));
    },
  });
  const abandoned = new AbortController();
  const cut = patch(nodes[0], path, 0, stalled, { signal: abandoned.signal, duplex: "half" } as RequestInit).catch(() => null);
  // Node A receives what it can; then the client resumes on node B, whose HEAD asks A to let go (pg_notify).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const asked = performance.now();
  const offset = await offsetOn(nodes[1], path);
  console.log(`resuming on the other node: HEAD answered after ${(performance.now() - asked).toFixed(0)} ms, at offset ${offset}`);
  // What A stored, and no more: the client sends the rest from there.
  expect(offset).toBeLessThanOrEqual(first.length);
  const rest = await patch(nodes[1], path, offset, new Uint8Array(source.subarray(offset)));
  expect(rest.status, await rest.clone().text()).toBe(204);
  abandoned.abort();
  await cut;
  const { imageId } = await env.db.upload.findUniqueOrThrow({ where: { id: path.split("/").pop() } });
  const { key, bytes, contents } = await stored(imageId);
  expect(sha256(bytes)).toBe(sha256(source));
  expect(contents).toEqual({ objects: [key], uploads: [] });
});

it("does not measure the node's disk for an upload into the bucket", async () => {
  // A minimum of free disk space no node has: an upload on disk would be refused (lib/uploads/uploads.test.ts).
  const { minFreeSpace } = env.uploads.config;
  env.uploads.config.minFreeSpace = Number.MAX_SAFE_INTEGER;
  try {
    const big = await create(nodes[0], 5 * GiB, "bigger than the node's disk");
    expect((await fetch(`${nodes[1]}${big}`, { method: "DELETE", headers: headers() })).status).toBe(204);
  } finally {
    env.uploads.config.minFreeSpace = minFreeSpace;
  }
  expect(await bucket.contents()).toEqual({ objects: [], uploads: [] });
});

it("removes everything of a terminated upload, of an expired one, and of an abandoned multipart upload without a record", async () => {
  const bytes = new Uint8Array(randomBytes(7 * MiB));
  const terminated = await create(nodes[0], 20 * MiB, "terminated");
  expect((await patch(nodes[0], terminated, 0, bytes)).status).toBe(204);
  const response = await fetch(`${nodes[1]}${terminated}`, { method: "DELETE", headers: headers() });
  expect(response.status).toBe(204);
  expect(await bucket.contents()).toEqual({ objects: [], uploads: [] });

  const expired = await create(nodes[1], 20 * MiB, "expired");
  expect((await patch(nodes[1], expired, 0, bytes)).status).toBe(204);
  // A node that crashed between the multipart upload's creation and its record's (here: a record gone by hand).
  const orphan = await create(nodes[0], 20 * MiB, "orphan");
  expect((await patch(nodes[0], orphan, 0, bytes)).status).toBe(204);
  await env.db.image.deleteMany({ where: { upload: { id: orphan.split("/").pop() } } });
  await env.db.upload.updateMany({ where: { id: expired.split("/").pop() }, data: { lastByteAt: new Date(0) } });
  expect((await bucket.contents()).uploads).toHaveLength(2);
  const { expired: gone, orphans } = await uploadHousekeeping(env.uploads);
  expect([gone, orphans]).toEqual([[expired.split("/").pop()], [orphan.split("/").pop()]]);
  expect(await bucket.contents()).toEqual({ objects: [], uploads: [] });
});

/** An upload whose parts hold every byte, uncompleted: what a PATCH stores before it completes the multipart upload (S3's least part is 5 MiB, but for the last). */
async function partsOfEveryByte(name: string) {
  const source = randomBytes(10 * MiB);
  const path = await create(nodes[0], source.length, name);
  const id = path.split("/").pop() ?? "";
  const Bucket = bucket.config.bucket;
  const { Uploads } = await bucket.client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: id }));
  const UploadId = Uploads?.find((upload) => upload.Key === id)?.UploadId;
  for (const [PartNumber, start, end] of [
    [1, 0, 6 * MiB],
    [2, 6 * MiB, source.length],
  ]) {
    await bucket.client.send(new UploadPartCommand({ Bucket, Key: id, UploadId, PartNumber, Body: source.subarray(start, end) }));
  }
  return { source, path, id };
}

/** A moment at which the upload has been idle long enough for the cleanup job. */
const onceIdle = () => new Date(Date.now() + COMPLETION_IDLE_MS + 1000);

it("finishes an upload whose parts hold every byte but whose completion a crash cut off (a window tuspy.test.ts's kill at the last byte may hit)", async () => {
  const { source, path, id } = await partsOfEveryByte("completion cut off");
  // A client resuming sees its upload complete, and sends nothing more.
  expect(await offsetOn(nodes[1], path)).toBe(source.length);
  // Not while the upload may still be written: its last byte came just now.
  expect(await finishCompleteUploads(env.uploads)).toEqual([]);
  // A node started after its last byte (the restart: lib/uploads/jobs.ts's first round) completes it at once; the
  // cleanup job's later rounds once it is idle (the next test).
  const restarted = new Date();
  expect(await finishCompleteUploads(env.uploads, restarted, restarted)).toEqual([id]);
  const { imageId } = await env.db.upload.findUniqueOrThrow({ where: { id } });
  const { key, bytes, contents } = await stored(imageId);
  expect(sha256(bytes)).toBe(sha256(source));
  expect(contents).toEqual({ objects: [key], uploads: [] });
});

it("leaves alone an upload whose lock a PATCH holds on another node: the cleanup job neither completes it nor asks the PATCH to stop", async () => {
  const { source, id } = await partsOfEveryByte("patch in flight");
  // The other node's PATCH, between its last part and its own completion.
  const patching = lockers[0].newLock(id);
  let asked = 0;
  await patching.lock(new AbortController().signal, () => {
    asked++;
    return Promise.resolve();
  });
  try {
    expect((await uploadHousekeeping(env.uploads, onceIdle())).finished).toEqual([]);
    expect(asked).toBe(0);
    // The multipart upload is still the PATCH's to complete.
    const { objects, uploads } = await bucket.contents();
    expect([objects.includes(id), uploads.map((upload) => upload.split(" ")[0])]).toEqual([false, [id]]);
  } finally {
    await patching.unlock();
  }
  // Let go (here: a PATCH that died with it), the next round completes it.
  expect((await uploadHousekeeping(env.uploads, onceIdle())).finished).toEqual([id]);
  const { imageId } = await env.db.upload.findUniqueOrThrow({ where: { id } });
  const { key, bytes, contents } = await stored(imageId);
  expect(sha256(bytes)).toBe(sha256(source));
  expect(contents).toEqual({ objects: [key], uploads: [] });
});
