import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Actor } from "../auth/actor";
import { findActor, upsertUser } from "../auth/users";
import { type Db, openDb } from "../db/client";
import { createTestBucket, type TestBucket } from "./ceph";
import { type ServerStorage, serverStorage } from "./server-storage";
import { sessionCookie, signedInSession } from "./session-cookie";
import { serverDatabase } from "./test-database";
import { testStorageKind } from "./test-storage";

/**
 * A production Hangar (the `next build` output) in its own process, data
 * directory and port, that a test can SIGKILL and start again on the same port
 * and data, as an operator's restart would.
 */
export interface HangarProcess {
  url: string;
  dataDir: string;
  /** The server's database, for setting up and checking from the test. */
  db: Db;
  /** Where it keeps image bytes and uploads in progress, for checking from the test. */
  storage: ServerStorage;
  /** The files that database writes, for tests that look for a secret in clear. */
  databaseFiles(): Promise<string[]>;
  admin: Actor;
  demo: Actor;
  /** Another regular user, created by the test. */
  other: Actor;
  /** A Cookie header value signing the actor in, as the browser would send it. */
  cookie(actor: Actor): Promise<string>;
  /** The same, with the session's id, to find the session as the server does (lib/auth/sessions.ts). */
  session(actor: Actor): Promise<{ sid: string; cookie: string }>;
  /** The server process's id (benchmarks read its memory use from /proc). */
  pid(): number;
  /** Stops the process with the signal and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Sends the signal and returns at once. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the running process exits, however it ends (a graceful shutdown exits of itself). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts the server again on the same port and data directory (no reseeding). */
  restart(): Promise<void>;
  /** Output the server printed, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

const SECRET = "hangar-test-secret-of-the-test-processes";

/** A port nothing listens on when it returns (bound, then closed): for a server, or for a test of one that is down. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Hangar exited with ${child.exitCode} while starting:\n${log()}`);
    try {
      if ((await fetch(`${url}/signin`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Hangar did not answer on ${url} within 90 s:\n${log()}`);
}

/**
 * Starts Hangar from scripts/e2e-server.ts (fresh data directory, migrations, seed) on the run's shape: its database
 * (lib/testing/test-database.ts), and its images and uploads in progress in the data directory or, when the run's
 * storage is S3 (lib/testing/test-storage.ts), in a bucket of its own, removed at close(). `s3` puts them in that
 * bucket instead (the caller's to remove); `env` adds configuration, `nodeArgs` options for node after tsx (a module to preload).
 */
export async function launchHangar(
  env: Record<string, string> = {},
  { nodeArgs = [] as string[], s3 }: { nodeArgs?: string[]; s3?: TestBucket } = {},
): Promise<HangarProcess> {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("These tests run the production build: run `npm run build` (next build --webpack) first.");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-process-"));
  const database = await serverDatabase(dataDir);
  const own = !s3 && testStorageKind() === "s3" ? await createTestBucket() : null;
  const bucket = s3 ?? own;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const childEnv = {
    ...process.env,
    ...database.env,
    ...bucket?.env,
    ...env,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    HANGAR_DATA_DIR: dataDir,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: SECRET,
    NODE_ENV: "production" as const,
  };
  let output = "";
  let child: ChildProcess;
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const run = async (script: string) => {
    child = spawn(process.execPath, ["--import", "tsx", ...nodeArgs, script], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    const started = child;
    exit = new Promise((resolve) => started.once("exit", (code, signal) => resolve({ code, signal })));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await waitUntilUp(url, child, () => output);
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
  };
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (!running()) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (running()) {
      child.kill("SIGKILL");
      await exited;
    }
  };

  try {
    await run("scripts/e2e-server.ts");
  } catch (error) {
    await database.drop();
    await own?.drop();
    throw error;
  }
  const db = openDb(database.url);
  const byEmail = async (email: string) => (await findActor(db, (await db.user.findUniqueOrThrow({ where: { email } })).id)) as Actor;
  const admin = await byEmail("admin@hangar.local");
  const demo = await byEmail("demo@hangar.local");
  const other = await upsertUser(db, { email: "other@hangar.local", name: "Other User", password: "other-pass", role: "user" });
  return {
    url,
    dataDir,
    db,
    storage: serverStorage(dataDir, bucket),
    databaseFiles: () => database.files(),
    admin,
    demo,
    other,
    cookie: (actor) => sessionCookie(db, actor, SECRET),
    session: (actor) => signedInSession(db, actor, SECRET),
    pid: () => child.pid ?? 0,
    kill,
    signal: (signal) => child.kill(signal),
    exited: () => exit,
    restart: () => run("scripts/start.ts"),
    log: () => output,
    async close() {
      await db.$disconnect();
      await kill();
      await database.drop();
      await own?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
