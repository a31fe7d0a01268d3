import type { Lock } from "@tus/server";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createPostgresDatabase, type TestDatabase } from "../testing/postgres";
import { testPostgresServer } from "../testing/test-database";
import { PostgresUploadLocker, UploadLockBusy, type UploadLocker, uploadLockerFor } from "./upload-locker";

// Upload locks across nodes (lib/cluster/upload-locker.ts) on the run's real PostgreSQL: each locker is one node, with
// its own connection; a holder is a tus request, whose release request (tus's context.cancel) ends it and unlocks.
// In the postgresql project only.

let database: TestDatabase;
const lockers: PostgresUploadLocker[] = [];

beforeAll(async () => {
  database = await createPostgresDatabase(testPostgresServer());
});
afterEach(async () => {
  await Promise.all(lockers.splice(0).map((locker) => locker.close()));
});
afterAll(async () => {
  await database.drop();
});

const node = (options: { acquireTimeoutMs?: number } = {}) => {
  const locker = new PostgresUploadLocker(database.url, options);
  lockers.push(locker);
  return locker;
};

const never = new AbortController().signal;

/**
 * A request holding `lock`: asked to let go, it ends (as a tus PATCH does after its drain) and unlocks. A waiter asks
 * again at each try until then: the events record the first request.
 */
async function holder(lock: Lock, events: string[], name: string, { yields = true } = {}) {
  let asked = 0;
  await lock.lock(never, async () => {
    asked++;
    if (asked > 1) return;
    events.push(`${name} asked`);
    if (yields) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      events.push(`${name} unlocks`);
      await lock.unlock();
    }
  });
  events.push(`${name} holds`);
  return { asked: () => asked };
}

it("lets one node hold an upload at a time; another node's request asks the holder to let go, and gets the lock once it has", async () => {
  const events: string[] = [];
  const a = node();
  const b = node();
  const first = await holder(a.newLock("0123456789abcdef0123456789abcdef"), events, "A");
  // Another upload is not affected by this one's lock.
  await b.newLock("fedcba9876543210fedcba9876543210").lock(never, () => undefined);
  await holder(b.newLock("0123456789abcdef0123456789abcdef"), events, "B");
  expect(first.asked()).toBeGreaterThanOrEqual(1);
  expect(events).toEqual(["A holds", "A asked", "A unlocks", "B holds"]);
});

it("asks a request on the same node to let go without taking the lock twice (a session takes an advisory lock again)", async () => {
  const events: string[] = [];
  const a = node();
  const id = "00000000000000000000000000000001";
  await holder(a.newLock(id), events, "first");
  await holder(a.newLock(id), events, "second", { yields: false });
  expect(events).toEqual(["first holds", "first asked", "first unlocks", "second holds"]);
  // And the lock is still held, by the second request: another node does not get it.
  await expect(holder(node({ acquireTimeoutMs: 300 }).newLock(id), events, "other")).rejects.toBeInstanceOf(UploadLockBusy);
  expect(events).not.toContain("other holds");
});

it("lets go without waiting for the database, yet the node's next lock of the upload comes after the unlock", async () => {
  const id = "00000000000000000000000000000006";
  const a = node();
  for (let i = 0; i < 20; i += 1) {
    const lock = a.newLock(id);
    await lock.lock(never, () => undefined);
    await lock.unlock();
  }
  // Twenty takes, each behind the unlock before it (a session takes an advisory lock again, counted, so an unlock
  // overtaken would leave one held): the session holds nothing in the end, and another node gets the upload.
  await expect(
    node({ acquireTimeoutMs: 1000 })
      .newLock(id)
      .lock(never, () => undefined),
  ).resolves.toBeUndefined();
});

it("refuses a request whose holder never lets go, once its wait is over", async () => {
  const events: string[] = [];
  const id = "00000000000000000000000000000002";
  const stuck = await holder(node().newLock(id), events, "stuck", { yields: false });
  await expect(holder(node({ acquireTimeoutMs: 300 }).newLock(id), events, "waiting")).rejects.toBeInstanceOf(UploadLockBusy);
  // It was asked, again and again, on its own node.
  expect(stuck.asked()).toBeGreaterThan(1);
  expect(events).not.toContain("waiting holds");
});

it("frees the locks of a node whose connection dies, and tells that node's holders to stop", async () => {
  const events: string[] = [];
  const id = "00000000000000000000000000000003";
  const crashed = node();
  const stalled = await holder(crashed.newLock(id), events, "crashed", { yields: false });
  // Kill the holder's session, as a crashed node's or a cut network's: PostgreSQL drops its locks with it.
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted");
    expect(rows).toHaveLength(1);
    await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
  } finally {
    await admin.end();
  }
  await holder(node().newLock(id), events, "survivor");
  expect(events).toContain("survivor holds");
  // The crashed node's request learns it no longer holds the upload (where it is still running at all).
  await expect.poll(() => stalled.asked()).toBeGreaterThan(0);
  // And the crashed node takes locks again on a new connection.
  await crashed.newLock("00000000000000000000000000000004").lock(never, () => undefined);
});

it("stops waiting when the request is aborted", async () => {
  const id = "00000000000000000000000000000005";
  await holder(node().newLock(id), [], "stuck", { yields: false });
  const abort = new AbortController();
  const waiting = node()
    .newLock(id)
    .lock(abort.signal, () => undefined);
  setTimeout(() => abort.abort(), 50);
  await expect(waiting).rejects.toBeInstanceOf(UploadLockBusy);
});

/**
 * The cleanup job's lock (lockIfFree) beside a PATCH's: held, it is not taken, and the holder is not asked to let go
 * (on the PATCH's node or the job's); free, it is, and a request that comes meanwhile waits for the job to let go.
 */
async function jobBesidePatch(patchNode: UploadLocker, job: UploadLocker, id: string) {
  const events: string[] = [];
  const patch = await holder(patchNode.newLock(id), events, "patch", { yields: false });
  expect([await patchNode.lockIfFree(id), await job.lockIfFree(id), patch.asked()]).toEqual([null, null, 0]);
  await patchNode.newLock(id).unlock();
  // The PATCH's unlock leaves without waiting for the database, so on another node the job's first try may still find
  // the lock held; the job tries again (its next round), as here.
  let unlock = null as (() => Promise<void>) | null;
  await expect.poll(async () => (unlock = await job.lockIfFree(id)), { interval: 10, timeout: 5_000 }).not.toBeNull();
  const waiting = patchNode
    .newLock(id)
    .lock(never, () => undefined)
    .then(() => events.push("request holds"));
  await new Promise((resolve) => setTimeout(resolve, 100));
  events.push("job unlocks");
  await unlock?.();
  await waiting;
  expect(events).toEqual(["patch holds", "job unlocks", "request holds"]);
}

it("takes a free lock for the cleanup job without asking a holder to let go, on this node or another; a request waits for the job", async () => {
  await jobBesidePatch(node(), node(), "00000000000000000000000000000006");
});

it("does the same in one process, as on SQLite", async () => {
  const locker = uploadLockerFor("file:unused.db");
  await jobBesidePatch(locker, locker, "00000000000000000000000000000007");
});
