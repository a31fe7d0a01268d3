import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Actor } from "../auth/actor";
import { createToken } from "../auth/tokens";
import { findActor, upsertUser } from "../auth/users";
import { type Db, openDb } from "../db/client";
import { LocalImageStore } from "../storage/local-store";
import { insertImage, type TestImage } from "./images";

/** A production Hangar (`next build` output) on its own port and fresh data directory, as scripts/e2e-server.ts starts it. */
export interface HangarServer {
  url: string;
  dataDir: string;
  /** The server's own database, for setting up and checking from the test. */
  db: Db;
  store: LocalImageStore;
  admin: Actor;
  demo: Actor;
  /** Another regular user, created by the test. */
  other: Actor;
  addImage(image: TestImage): Promise<string>;
  /** A fresh API token for the user; `expiresInDays` and `now` as createToken takes them. */
  token(actor: Actor, options?: { name?: string; expiresInDays?: number | null; now?: Date }): Promise<{ id: string; secret: string }>;
  /** Output the server printed, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

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

export async function startHangarServer(env: Record<string, string> = {}): Promise<HangarServer> {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("These tests run the production build: run `npm run build` (next build --webpack) first.");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-server-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/e2e-server.ts"], {
    env: { ...process.env, ...env, PORT: String(port), HOSTNAME: "127.0.0.1", HANGAR_DATA_DIR: dataDir, NEXTAUTH_URL: url, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const log = () => output;
  try {
    await waitUntilUp(url, child, log);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const db = openDb(`file:${path.join(dataDir, "hangar.db")}`);
  const store = new LocalImageStore(path.join(dataDir, "images"));
  const admin = await findActor(db, (await db.user.findUniqueOrThrow({ where: { email: "admin@hangar.local" } })).id);
  const demo = await findActor(db, (await db.user.findUniqueOrThrow({ where: { email: "demo@hangar.local" } })).id);
  const other = await upsertUser(db, { email: "other@hangar.local", name: "Other User", password: "other-pass", role: "user" });
  const scratch = fs.mkdtempSync(path.join(dataDir, "scratch-"));
  return {
    url,
    dataDir,
    db,
    store,
    admin: admin as Actor,
    demo: demo as Actor,
    other,
    addImage: (image) => insertImage(db, store, scratch, image),
    async token(actor, { name = "test", expiresInDays = null, now } = {}) {
      const created = await createToken(db, actor, { name, expiresInDays }, now);
      if (!created.ok) throw new Error(created.error.message);
      return { id: created.value.token.id, secret: created.value.secret };
    },
    log,
    async close() {
      await db.$disconnect();
      const running = () => child.exitCode === null;
      if (running()) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (running()) child.kill("SIGKILL");
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
