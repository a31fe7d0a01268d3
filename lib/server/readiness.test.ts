import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../db/client";
import { LocalImageStore } from "../storage/local-store";
import { type CatalogTestEnv, makeCatalogTestEnv } from "../testing/catalog-env";
import { freePort } from "../testing/hangar-process";
import { readiness } from "./readiness";

// Against real dependencies that fail for real: a PostgreSQL port nobody listens on, one that accepts
// and never answers, an image directory that is gone. In the postgresql project too (vitest.config.ts).
let env: CatalogTestEnv;
let silent: net.Server;
const held: net.Socket[] = [];
beforeAll(async () => {
  env = await makeCatalogTestEnv();
  silent = net.createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await env.close();
});

describe("readiness", () => {
  it("is ready when the database and the store answer", async () => {
    expect(await readiness(env.deps)).toEqual({ ready: true, checks: { database: "ok", store: "ok" } });
  });

  it("is not ready when the database refuses connections, and says which dependency failed, not how", async () => {
    const down = openDb(`postgresql://hangar@127.0.0.1:${await freePort()}/hangar`);
    try {
      expect(await readiness({ ...env.deps, db: down })).toEqual({ ready: false, checks: { database: "The database does not answer.", store: "ok" } });
    } finally {
      await down.$disconnect();
    }
  });

  it("gives up on a database that accepts and never answers, within its time limit", async () => {
    const { port } = silent.address() as net.AddressInfo;
    const stalled = openDb(`postgresql://hangar@127.0.0.1:${port}/hangar`);
    const result = await readiness({ ...env.deps, db: stalled }, 300);
    expect(result).toEqual({ ready: false, checks: { database: "The database does not answer.", store: "ok" } });
    void stalled.$disconnect().catch(() => undefined);
  });

  it("is not ready when the image directory is gone, and ready again when it is back", async () => {
    const dir = path.join(env.dir, "readiness-images");
    const store = new LocalImageStore(dir);
    fs.rmSync(dir, { recursive: true });
    expect(await readiness({ ...env.deps, store })).toEqual({ ready: false, checks: { database: "ok", store: "The image store does not answer." } });
    fs.mkdirSync(dir);
    expect((await readiness({ ...env.deps, store })).ready).toBe(true);
  });
});
