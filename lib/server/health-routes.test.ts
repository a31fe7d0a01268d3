import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// The balancer's checks on the production server (lib/server/health-routes.ts); in the postgresql project too.
let hangar: HangarProcess;
beforeAll(async () => {
  hangar = await launchHangar();
});
afterAll(async () => {
  // Unset when beforeAll failed before the server started.
  await (hangar as HangarProcess | undefined)?.close();
});

it("/healthz answers that the process is alive, with no session and no database", async () => {
  const response = await fetch(`${hangar.url}/healthz`);
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(await response.json()).toEqual({ status: "alive" });
  const head = await fetch(`${hangar.url}/healthz`, { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(await head.text()).toBe("");
});

it("/readyz answers 200 while the database and the store answer, 503 naming the store while its directory is gone, and recovers", async () => {
  const ready = await fetch(`${hangar.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok", store: "ok" } });

  const images = path.join(hangar.dataDir, "images");
  const aside = `${images}-aside`;
  fs.renameSync(images, aside);
  try {
    const down = await fetch(`${hangar.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "not ready", checks: { database: "ok", store: "The image store does not answer." } });
  } finally {
    fs.renameSync(aside, images);
  }
  expect((await fetch(`${hangar.url}/readyz`)).status).toBe(200);
});

it("both answer GET and HEAD only", async () => {
  // POST is the one other method the front door lets through to a path outside /api (server actions).
  for (const pathname of ["/healthz", "/readyz"]) {
    const response = await fetch(`${hangar.url}${pathname}`, { method: "POST" });
    expect(response.status, pathname).toBe(405);
    expect(response.headers.get("allow"), pathname).toBe("GET, HEAD");
    expect(await response.json(), pathname).toMatchObject({ error: { code: "method_not_allowed" } });
  }
});
