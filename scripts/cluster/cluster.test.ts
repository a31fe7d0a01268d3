import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import type { Db } from "../../lib/db/client";
import { hashStream } from "../../lib/storage/hash-file";
import type { S3ImageStore } from "../../lib/storage/s3-store";
import { bucketContents } from "../../lib/testing/ceph";
import { type ClusterClient, clusterClient, startCluster } from "../../lib/testing/cluster";
import { engineDir, type EngineProcess } from "../../lib/testing/engine-process";
import { freePort } from "../../lib/testing/hangar-process";
import { insertImage } from "../../lib/testing/images";
import { sessionCookie } from "../../lib/testing/session-cookie";

// The production shape as scripts/cluster/up.sh starts it: PostgreSQL, Ceph, two nodes, haproxy. One cluster for
// the file (starting one costs seconds to tens of seconds): its start and settings, then two nodes racing over HTTP.
let dir: string;
let cluster: EngineProcess;
let client: ClusterClient;
let url: string;
let nodes: string[];
let db: Db;
let store: S3ImageStore;
let demo: Actor;
let token: string;

beforeAll(async () => {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("This test runs the production build: run `npx next build` first.");
  dir = engineDir("cluster");
  cluster = await startCluster(dir, { port: await freePort() });
  url = cluster.settings.HANGAR_URL;
  nodes = cluster.settings.HANGAR_NODES.split(" ").map((address) => `http://${address}`);
  client = await clusterClient(cluster, "cluster test");
  ({ db, store, demo, token } = client);
}, 600_000);

afterAll(async () => {
  await client.close();
  await cluster.stop();
  for (const address of [url, ...nodes]) await expect(fetch(address)).rejects.toThrow();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("starts two Hangar nodes behind haproxy on one PostgreSQL and one auth secret", async () => {
  expect(cluster.settings.DATABASE_URL).toMatch(/^postgresql:\/\//);
  expect(nodes).toHaveLength(2);
  // No node was given a secret: the first one wrote it to the shared database, where the others read it.
  expect(cluster.settings.NEXTAUTH_SECRET).toBeUndefined();
  const secret = (await db.setting.findUniqueOrThrow({ where: { key: "auth-secret" } })).value;
  // A session (its row in the shared database) signed with the shared secret.
  const cookie = await sessionCookie(db, demo, secret);
  // The nodes keep image bytes in the bucket, no directory: the seed's images went there.
  const keys = (await db.image.findMany({ where: { storageKey: { not: null } }, select: { storageKey: true } })).map((image) => image.storageKey ?? "");
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) expect(await store.size(key)).not.toBeNull();
  expect(fs.existsSync(path.join(cluster.settings.HANGAR_DATA_DIR, "images"))).toBe(false);
  // An API token written to the shared database works through the balancer, whichever node answers.
  const servedBy = new Set<string | null>();
  for (let i = 0; i < 4; i++) {
    const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: "demo@hangar.local" });
    servedBy.add(me.headers.get("x-served-by"));
  }
  expect(servedBy).toEqual(new Set(["node1", "node2"]));
  // A session is good on either node: the nodes share the secret and the database.
  for (const node of nodes) expect((await fetch(`${node}/api/v1/me`, { headers: { cookie } })).status).toBe(200);
}, 120_000);

// Node A and node B, addressed directly (not through the balancer), get the same request at the same moment: whatever
// the interleaving, one outcome, told to both clients, and PostgreSQL and the bucket agree with it afterwards.
describe("two nodes racing over HTTP", () => {
  const ROUNDS = 10;
  const SIZE = 256 * 1024;
  const LAST = 64 * 1024;
  const auth = () => ({ authorization: `Bearer ${token}` });
  const tus = () => ({ ...auth(), "tus-resumable": "1.0.0" });
  /** Node A and node B of round `round`: the roles swap each round. */
  const pair = (round: number) => (round % 2 ? [nodes[1], nodes[0]] : [nodes[0], nodes[1]]);
  const body = async (answer: Response) => ({ status: answer.status, body: answer.status === 204 ? null : ((await answer.json()) as unknown) });
  const rename = (node: string, id: string, name: string) =>
    fetch(`${node}/api/v1/images/${id}`, { method: "PATCH", headers: { ...auth(), "content-type": "application/json" }, body: JSON.stringify({ name }) }).then(
      body,
    );
  const remove = (node: string, id: string) => fetch(`${node}/api/v1/images/${id}`, { method: "DELETE", headers: auth() }).then(body);
  const patch = (node: string, upload: string, offset: number, bytes: Buffer<ArrayBuffer>) =>
    fetch(`${node}${upload}`, {
      method: "PATCH",
      headers: { ...tus(), "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: bytes,
    });
  const image = (name: string) => insertImage(db, store, dir, { owner: demo, name, visibility: "private", bytes: randomBytes(8192) });
  const auditCount = (objectId: string, action: string) => db.auditEvent.count({ where: { objectId, action } });

  /** Every image object in the bucket has its record and every record's object is there; no upload is left in it. */
  async function expectBucketMatchesCatalog() {
    const keys = (await db.image.findMany({ where: { storageKey: { not: null } }, select: { storageKey: true } })).map(({ storageKey }) =>
      store.objectKey(storageKey ?? ""),
    );
    const { objects, uploads } = await bucketContents(store.client, store.bucket);
    expect(objects.filter((key) => key.startsWith("images/")).sort()).toEqual(keys.sort());
    expect(uploads).toEqual([]);
    expect(objects.filter((key) => !key.startsWith("images/"))).toEqual([]);
  }

  async function settled(imageId: string) {
    for (let tries = 0; tries < 600; tries++) {
      const row = await db.image.findUniqueOrThrow({ where: { id: imageId } });
      if (row.status !== "uploading" && row.status !== "validating") return row;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`image ${imageId} was not validated within a minute`);
  }

  it("the last PATCH of one upload on both nodes: one finish, one image, one stored object, one validation", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = pair(round);
      const source = randomBytes(SIZE);
      const name = `finish-race-${round}-${randomBytes(3).toString("hex")}`;
      const metadata = `filename ${Buffer.from("disk.raw").toString("base64")},name ${Buffer.from(name).toString("base64")}`;
      const created = await fetch(`${a}/api/v1/uploads`, { method: "POST", headers: { ...tus(), "upload-length": String(SIZE), "upload-metadata": metadata } });
      expect(created.status).toBe(201);
      const upload = new URL(created.headers.get("location") ?? "", a).pathname;
      expect((await patch(a, upload, 0, source.subarray(0, SIZE - LAST))).status).toBe(204);
      const raced = await Promise.all([a, b].map((node) => patch(node, upload, SIZE - LAST, source.subarray(SIZE - LAST)).then(body)));
      // One writes the last bytes; the other finds them written (409: the offset moved), the lock taken (423), or the
      // upload finished and gone from the store (404), each with a message; or it is asked to let go by the other
      // node's request, and a client resumes from the offset the upload has.
      for (const answer of raced) {
        expect([204, 404, 409, 423]).toContain(answer.status);
        if (answer.status !== 204) expect(answer.body).toMatchObject({ error: { message: expect.any(String) as string } });
      }
      const finishes = raced.filter(({ status }) => status === 204).length;
      const head = await fetch(`${a}${upload}`, { method: "HEAD", headers: tus() });
      const offset = head.status === 404 ? SIZE : Number(head.headers.get("upload-offset"));
      expect([200, 404]).toContain(head.status);
      if (offset === SIZE) expect(finishes).toBe(1);
      else {
        // Not finished: no PATCH of the race was its finish, and the resumed one is.
        expect(finishes).toBe(0);
        expect((await patch(b, upload, offset, source.subarray(offset))).status).toBe(204);
      }
      const id = upload.split("/").pop() ?? "";
      const { imageId } = await db.upload.findUniqueOrThrow({ where: { id } });
      const row = await settled(imageId);
      expect(await db.image.count({ where: { name } })).toBe(1);
      expect(await auditCount(imageId, "image.validate")).toBe(1);
      expect(row.fileSize).toBe(BigInt(SIZE));
      expect(await hashStream(store.openRead(row.storageKey ?? ""))).toBe(createHash("sha256").update(source).digest("hex"));
    }
    await expectBucketMatchesCatalog();
  }, 300_000);

  it("renames of one image to two names, and of two images to one name: one wins, the loser gets a 409 with a message", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = pair(round);
      const first = await image(`rename-first-${round}`);
      const second = await image(`rename-second-${round}`);
      // One image, two names: both are renames that may land, one after the other; the record holds one of them.
      const names = [`renamed-a-${round}`, `renamed-b-${round}`];
      const both = await Promise.all([rename(a, first, names[0]), rename(b, first, names[1])]);
      expect(both.map(({ status }) => status)).toEqual([200, 200]);
      const { name } = await db.image.findUniqueOrThrow({ where: { id: first } });
      expect(names).toContain(name);
      for (const node of [a, b]) expect(await body(await fetch(`${node}/api/v1/images/${first}`, { headers: auth() }))).toMatchObject({ body: { name } });
      // Two images, one name: the unique index decides.
      const prize = `prize-${round}`;
      const raced = await Promise.all([rename(a, first, prize), rename(b, second, prize)]);
      expect(raced.map(({ status }) => status).sort()).toEqual([200, 409]);
      expect(raced.find(({ status }) => status === 409)?.body).toEqual({
        error: {
          code: "conflict",
          message: expect.stringContaining(`"${prize}"`) as string,
          fields: { name: expect.stringContaining(`"${prize}"`) as string },
        },
      });
      expect(await db.image.count({ where: { name: prize } })).toBe(1);
      const loser = raced[0].status === 409 ? first : second;
      expect((await db.image.findUniqueOrThrow({ where: { id: loser } })).name).not.toBe(prize);
    }
    await expectBucketMatchesCatalog();
  }, 300_000);

  it("two deletions of one image: one 204, one 404; no record and no object left", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = pair(round);
      const id = await image(`delete-twice-${round}`);
      const { storageKey } = await db.image.findUniqueOrThrow({ where: { id } });
      const raced = await Promise.all([remove(a, id), remove(b, id)]);
      expect(raced.map(({ status }) => status).sort()).toEqual([204, 404]);
      expect(raced.find(({ status }) => status === 404)?.body).toMatchObject({ error: { code: "not_found", message: expect.any(String) as string } });
      expect(await db.image.findUnique({ where: { id } })).toBeNull();
      expect(await auditCount(id, "image.delete")).toBe(1);
      expect(await store.size(storageKey ?? "")).toBeNull();
    }
    await expectBucketMatchesCatalog();
  }, 300_000);

  it("a rename racing a deletion: the deletion wins; the rename lands first or gets a 404 with a message, never a 500", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = pair(round);
      const id = await image(`rename-deleted-${round}`);
      const { storageKey } = await db.image.findUniqueOrThrow({ where: { id } });
      const [renamed, deleted] = await Promise.all([rename(a, id, `survivor-${round}`), remove(b, id)]);
      expect(deleted.status).toBe(204);
      expect([200, 404]).toContain(renamed.status);
      if (renamed.status === 404) expect(renamed.body).toMatchObject({ error: { code: "not_found", message: expect.any(String) as string } });
      expect(await db.image.findUnique({ where: { id } })).toBeNull();
      expect(await store.size(storageKey ?? "")).toBeNull();
    }
    await expectBucketMatchesCatalog();
  }, 300_000);
});
