import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createToken } from "../../lib/auth/tokens";
import { RETRY_AFTER_SECONDS } from "../../lib/http/engine-outage";
import { engineDir, type EngineProcess, startEngine } from "../../lib/testing/engine-process";
import { patchInTwo, resumeThroughOutage } from "../../lib/testing/engine-restart";
import { type HangarProcess, launchHangar } from "../../lib/testing/hangar-process";
import { startPostgres } from "../../lib/testing/postgres";

// A production Hangar on a PostgreSQL of its own, which the tests stop and start again under it: meanwhile the API,
// the tus endpoint and the pages answer 503 with Retry-After and a sentence (lib/http/engine-outage.ts), and once it
// is back Hangar answers again without a restart. An upload whose PATCH loses the database mid-body is resumed by
// tus-js-client through the 503s and ends with the source's SHA-256 and nothing half-written.

const MiB = 1024 * 1024;
const SIZE = 24 * MiB;
const source = randomBytes(SIZE);
const sourceSha256 = createHash("sha256").update(source).digest("hex");

let dir: string;
let pgDir: string;
let pgPort: string;
let postgres: EngineProcess;
let hangar: HangarProcess;
let token: string;
let cookie: string;

beforeAll(async () => {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("This test runs the production build: run `npm run build` first.");
  dir = engineDir("postgres-restart");
  pgDir = path.join(dir, "postgres");
  const started = await startPostgres(pgDir);
  postgres = started.engine;
  pgPort = postgres.settings.PGPORT;
  // launchHangar makes the server's database on the run's PostgreSQL: here, this suite's own.
  process.env.HANGAR_TEST_DATABASE = "postgresql";
  process.env.HANGAR_TEST_POSTGRES = started.url;
  hangar = await launchHangar();
  const created = await createToken(hangar.db, hangar.demo, { name: "postgres restart", expiresInDays: null });
  if (!created.ok) throw new Error(created.error.message);
  token = created.value.secret;
  cookie = await hangar.cookie(hangar.demo);
}, 300_000);

afterAll(async () => {
  await hangar.close();
  await postgres.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const stopPostgres = () => postgres.stop();
async function startPostgresAgain() {
  postgres = await startEngine("postgres.sh", [pgDir, pgPort]);
}

const tusHeaders = () => ({ authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" });
const metadata = (name: string) => `filename ${Buffer.from("disk.raw").toString("base64")},name ${Buffer.from(name).toString("base64")}`;

async function createUpload(name: string): Promise<string> {
  const created = await fetch(`${hangar.url}/api/v1/uploads`, {
    method: "POST",
    headers: { ...tusHeaders(), "upload-length": String(SIZE), "upload-metadata": metadata(name) },
  });
  expect(created.status).toBe(201);
  return new URL(created.headers.get("location") ?? "", hangar.url).toString();
}

/** Waits until /readyz answers 200: the server found the database again by itself. */
async function untilReady() {
  for (let tries = 0; tries < 300; tries++) {
    if ((await fetch(`${hangar.url}/readyz`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Hangar did not become ready again:\n${hangar.log().slice(-4000)}`);
}

/** The image's bytes as the API serves them hash to the source's, and no upload is left waiting or half-written. */
async function expectStoredExactly(imageId: string) {
  const file = await fetch(`${hangar.url}/api/v1/images/${imageId}/file`, { headers: { authorization: `Bearer ${token}` } });
  expect(file.status).toBe(200);
  expect(
    createHash("sha256")
      .update(Buffer.from(await file.arrayBuffer()))
      .digest("hex"),
  ).toBe(sourceSha256);
  expect(fs.readdirSync(path.join(hangar.dataDir, "uploads"))).toEqual([]);
  expect(await hangar.db.image.count({ where: { status: "uploading" } })).toBe(0);
}

/** 503 with Retry-After; the API's and tus's in the API's error shape. A page's body is Next's error document, which the browser fills with app/error.tsx. */
async function expectUnavailable(answer: Response, shape: "json" | "page") {
  expect(answer.status).toBe(503);
  expect(answer.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
  if (shape === "json")
    expect(await answer.json()).toEqual({ error: { code: "unavailable", message: expect.stringContaining("cannot reach its database") as string } });
}

it("answers 503 with Retry-After on the API, the tus endpoint and the pages while PostgreSQL is down, and recovers when it is back", async () => {
  const uploadUrl = await createUpload(`outage-${randomBytes(3).toString("hex")}`);
  await stopPostgres();
  try {
    await expectUnavailable(await fetch(`${hangar.url}/api/v1/images`, { headers: { authorization: `Bearer ${token}` } }), "json");
    const patch = await fetch(uploadUrl, {
      method: "PATCH",
      headers: { ...tusHeaders(), "upload-offset": "0", "content-type": "application/offset+octet-stream" },
      body: source.subarray(0, MiB),
    });
    await expectUnavailable(patch, "json");
    const head = await fetch(uploadUrl, { method: "HEAD", headers: tusHeaders() });
    expect([head.status, head.headers.get("retry-after")]).toEqual([503, String(RETRY_AFTER_SECONDS)]);
    await expectUnavailable(await fetch(`${hangar.url}/images`, { headers: { cookie } }), "page");
    expect((await fetch(`${hangar.url}/readyz`)).status).toBe(503);
  } finally {
    await startPostgresAgain();
  }
  await untilReady();
  expect((await fetch(`${hangar.url}/api/v1/images`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  expect((await fetch(`${hangar.url}/images`, { headers: { cookie } })).status).toBe(200);
  // The refused PATCH wrote nothing: the upload resumes from 0.
  const head = await fetch(uploadUrl, { method: "HEAD", headers: tusHeaders() });
  expect([head.status, head.headers.get("upload-offset")]).toEqual([200, "0"]);
  await fetch(uploadUrl, { method: "DELETE", headers: tusHeaders() });
}, 300_000);

it("finishes an upload whose PATCH loses PostgreSQL mid-body: tus-js-client resumes through the 503s, with the source's SHA-256", async () => {
  const uploadUrl = await createUpload(`restart-${randomBytes(3).toString("hex")}`);
  const first = source.subarray(0, 8 * MiB);
  // Whatever becomes of that PATCH (its bytes kept or not), it is not a 500.
  expect(await patchInTwo(uploadUrl, token, 0, first, stopPostgres)).not.toBe(500);
  // A client that knows only the upload's URL resumes while the database is still away, meets its 503s, and finishes once it is back.
  const { statuses, imageId } = await resumeThroughOutage(uploadUrl, token, source, startPostgresAgain);
  expect(statuses).toContain(503);
  expect(statuses).not.toContain(500);
  expect(imageId).not.toBe("");
  await untilReady();
  await expectStoredExactly(imageId);
}, 300_000);
