import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { fixtureFamily } from "../testing/fixtures";
import { storeImageFile } from "./register";
import { validationsSettled } from "./validation";

// The inspection pool is made at first use from the environment, so this file sets a time limit no inspection
// meets (50 ms: a worker alone takes longer to start) before its first validation. lib/workers/pool.test.ts
// shows the pool going on with the next job and surviving its memory limit.
const guests = fixtureFamily("guests");
let env: CatalogTestEnv;
const before = process.env.HANGAR_VALIDATION_TIME_LIMIT;
beforeAll(async () => {
  process.env.HANGAR_VALIDATION_TIME_LIMIT = "0.05";
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
  if (before === undefined) delete process.env.HANGAR_VALIDATION_TIME_LIMIT;
  else process.env.HANGAR_VALIDATION_TIME_LIMIT = before;
});

describe.skipIf(guests.skipped)("validation under the inspection pool's limits", () => {
  it("rejects an image whose inspection runs past the time limit, saying so, and stores nothing the inspection did not finish", async () => {
    const copy = path.join(env.dir, "incoming", "slow", "debian.qcow2");
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(guests.file("debian12-gpt-ext4.qcow2"), copy);
    const stored = await storeImageFile(env.deps, {
      creator: env.alice,
      target: { visibility: "private", projectId: null },
      name: "slow",
      filePath: copy,
      properties: {},
    });
    if (!stored.ok) throw new Error(stored.error.message);
    await validationsSettled();
    const row = await env.db.image.findUniqueOrThrow({ where: { id: stored.value.id } });
    expect([row.status, row.validationProgress, row.osDistro]).toEqual(["rejected", 100, null]);
    const report = JSON.parse(row.report ?? "null") as { verdict: string; checks: { id: string; code: string; status: string; message: string }[] };
    expect(report.verdict).toBe("rejected");
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ id: "validation.error", code: "validation.time_limit", status: "fail" });
    expect(report.checks[0]?.message).toContain("inspection exceeded its time limit (0.05 s)");
  });
});
