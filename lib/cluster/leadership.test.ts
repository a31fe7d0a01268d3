import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createPostgresDatabase, type TestDatabase } from "../testing/postgres";
import { testPostgresServer } from "../testing/test-database";
import { advisoryLeadership } from "./leadership";

// Leader-only jobs (lib/cluster/leadership.ts) with several processes on one real PostgreSQL database: each process
// runs the same periodic job every 100 ms (lib/testing/leader-process.ts), and the rounds that do the work, logged
// by process id, must come from one process at a time; when it dies or shuts down, another takes over. In the
// postgresql project only (on SQLite a process is the sole node).

let database: TestDatabase;
let scratch: string;
let log: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createPostgresDatabase(testPostgresServer());
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-leader-"));
  log = path.join(scratch, "rounds.log");
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  fs.rmSync(log, { force: true });
});
afterAll(async () => {
  await database.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A node running the job; resolves once its first round is done (led or not). */
async function node(): Promise<{ pid: number; child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "../testing/leader-process.ts")], {
    env: { ...process.env, DATABASE_URL: database.url, HANGAR_LEADER_LOG: log },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (/^ready$/m.test(output)) resolve();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then(() => reject(new Error(`the node exited before its first round:\n${output}`)));
  });
  return { pid: child.pid ?? 0, child, exited };
}

/** The process ids of the rounds that did the work, in order. */
const rounds = (): number[] => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).map(Number) : []);

/** Waits until `count` more rounds have run after the `from`th, and returns their process ids. */
async function nextRounds(from: number, count: number): Promise<number[]> {
  await expect.poll(() => rounds().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(from + count);
  return rounds().slice(from);
}

it("runs the job on one of two nodes at a time, and on the other once the first is killed", async () => {
  const a = await node();
  const b = await node();
  // Both are up: every round since has been one node's.
  const start = rounds().length;
  const both = new Set(await nextRounds(start, 15));
  expect(both.size).toBe(1);
  const [leader] = [...both];
  const other = leader === a.pid ? b : a;

  // A crash: the leader's connection goes, and with it its lock.
  (leader === a.pid ? a : b).child.kill("SIGKILL");
  await expect.poll(() => rounds().includes(other.pid), { timeout: 20_000 }).toBe(true);
  const takeover = rounds().indexOf(other.pid);
  expect(new Set(await nextRounds(takeover, 10))).toEqual(new Set([other.pid]));
});

it("hands the job over when the leader shuts down, and a node that starts meanwhile waits its turn", async () => {
  const first = await node();
  await expect.poll(() => rounds().includes(first.pid), { timeout: 20_000 }).toBe(true);
  const second = await node();
  const since = rounds().length;
  expect(new Set(await nextRounds(since, 10))).toEqual(new Set([first.pid]));

  first.child.kill("SIGTERM");
  expect(await first.exited).toBe(0);
  await expect.poll(() => rounds().includes(second.pid), { timeout: 20_000 }).toBe(true);
  const takeover = rounds().indexOf(second.pid);
  expect(new Set(await nextRounds(takeover, 10))).toEqual(new Set([second.pid]));
});

it("loses a job with its lock's connection, which another node then takes", async () => {
  const mine = advisoryLeadership(database.url);
  const theirs = advisoryLeadership(database.url);
  try {
    expect(await mine.holds("job")).toBe(true);
    expect(await theirs.holds("job")).toBe(false);
    // Each job's lock is its own.
    expect(await theirs.holds("another job")).toBe(true);
    // The server ends the holder's session, as a restart of PostgreSQL or a lost network would.
    await terminateHolderOf("job");
    await expect.poll(() => theirs.holds("job"), { timeout: 10_000 }).toBe(true);
    expect(await mine.holds("job")).toBe(false);
    expect(await theirs.holds("job")).toBe(true);
  } finally {
    await mine.close();
    await theirs.close();
  }
});

/** Ends the session that holds `job`'s advisory lock (a bigint key: its high half in classid, its low half in objid). */
async function terminateHolderOf(job: string): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
      [`hangar:${job}`],
    );
    expect(rowCount).toBe(1);
  } finally {
    await client.end();
  }
}
