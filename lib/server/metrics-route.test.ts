import { randomBytes } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";
import { testDatabaseProvider } from "../testing/test-database";

// /metrics on the production server (lib/server/metrics-route.ts): refused without the token, and what it counts
// moves with the requests, uploads and validations the test makes. In the postgresql project too.
const TOKEN = "metrics-token-of-the-test-0123456789";
const TUS = { "tus-resumable": "1.0.0" };
const b64 = (text: string) => Buffer.from(text).toString("base64");

let hangar: HangarProcess;
beforeAll(async () => {
  hangar = await launchHangar({ HANGAR_METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await (hangar as HangarProcess | undefined)?.close();
});

const scrape = async () => {
  const response = await fetch(`${hangar.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
};

/** The value of the sample `name` whose labels are exactly `labels` (0 when there is none yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...((match[2] as string | undefined) ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(labels).sort())) return Number(match[3]);
  }
  return 0;
}

describe("who may read /metrics", () => {
  it("answers 403 saying what lets a request in, without the token or with another", async () => {
    for (const headers of [{}, { authorization: "Bearer not-the-token-at-all-no" }] as Record<string, string>[]) {
      const response = await fetch(`${hangar.url}/metrics`, { headers });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: {
          code: "forbidden",
          message: "Metrics are for the addresses in HANGAR_METRICS_ALLOW, or for requests with Authorization: Bearer and the token in HANGAR_METRICS_TOKEN.",
        },
      });
    }
  });

  it("answers the text format with the token, GET and HEAD only", async () => {
    const response = await fetch(`${hangar.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      "hangar_http_requests_total",
      "hangar_http_request_duration_seconds",
      "hangar_uploads_in_progress",
      "hangar_upload_bytes_received_total",
      "hangar_validations_total",
      "hangar_job_runs_total",
      "hangar_dependency_up",
      "process_cpu_seconds_total",
    ])
      expect(text, name).toContain(`# TYPE ${name} `);
    expect((await fetch(`${hangar.url}/metrics`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });
});

describe("what /metrics counts", () => {
  it("requests by method, route template and status, with their durations", async () => {
    const labels = { method: "GET", route: "/api/v1/images/{id}", status: "401" };
    const before = await scrape();
    for (const id of ["one", "two", "three"]) {
      const response = await fetch(`${hangar.url}/api/v1/images/${id}`);
      expect(response.status).toBe(401);
      await response.text();
    }
    // A request counts when its response has closed on the server, a moment after the client has it.
    const count = { method: "GET", route: "/api/v1/images/{id}" };
    await expect
      .poll(async () => sample(await scrape(), "hangar_http_request_duration_seconds_count", count))
      .toBe(sample(before, "hangar_http_request_duration_seconds_count", count) + 3);
    const after = await scrape();
    expect(sample(after, "hangar_http_requests_total", labels) - sample(before, "hangar_http_requests_total", labels)).toBe(3);
    expect(sample(after, "hangar_http_request_duration_seconds_bucket", { ...count, le: "+Inf" })).toBe(
      sample(after, "hangar_http_request_duration_seconds_count", count),
    );
  });

  it("an upload in progress while its PATCH streams, the bytes received, and the validation's verdict", async () => {
    const size = 3 * 1024 * 1024 + 17;
    const bytes = randomBytes(size);
    const before = await scrape();
    const cookie = await hangar.cookie(hangar.demo);
    const created = await fetch(`${hangar.url}/api/v1/uploads`, {
      method: "POST",
      headers: { ...TUS, cookie, "upload-length": String(size), "upload-metadata": `filename ${b64("noise.raw")},name ${b64("metrics-noise")}` },
    });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get("location") ?? "", hangar.url);
    const patch = http.request(url, {
      method: "PATCH",
      headers: { ...TUS, cookie, "upload-offset": "0", "content-type": "application/offset+octet-stream", "content-length": String(size) },
    });
    const answered = new Promise<number>((resolve, reject) => {
      patch.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      patch.on("error", reject);
    });
    patch.write(bytes.subarray(0, 1024 * 1024));
    await expect.poll(async () => sample(await scrape(), "hangar_uploads_in_progress")).toBe(1);
    patch.end(bytes.subarray(1024 * 1024));
    expect(await answered).toBe(204);
    await expect.poll(async () => sample(await scrape(), "hangar_uploads_in_progress")).toBe(0);

    // Random bytes are no disk image: the validation rejects it.
    await expect
      .poll(async () => sample(await scrape(), "hangar_validations_total", { verdict: "rejected" }), { timeout: 30_000 })
      .toBe(sample(before, "hangar_validations_total", { verdict: "rejected" }) + 1);
    const after = await scrape();
    expect(sample(after, "hangar_upload_bytes_received_total") - sample(before, "hangar_upload_bytes_received_total")).toBe(size);
    expect(sample(after, "hangar_validation_duration_seconds_count", { verdict: "rejected" })).toBe(
      sample(after, "hangar_validations_total", { verdict: "rejected" }),
    );
  });

  it("periodic jobs' rounds on the node that leads them, the dependencies and the engine", async () => {
    const text = await scrape();
    expect(sample(text, "hangar_job_runs_total", { job: "uploads", outcome: "done" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "hangar_job_runs_total", { job: "deprecations", outcome: "done" })).toBeGreaterThanOrEqual(1);
    // The sweep of kept exports runs on every node, of its own scratch directory (lib/catalog/export-sweep.ts).
    expect(sample(text, "hangar_job_runs_total", { job: "exports", outcome: "done" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "hangar_job_leader", { job: "uploads" })).toBe(1);
    expect(sample(text, "hangar_dependency_up", { dependency: "database" })).toBe(1);
    expect(sample(text, "hangar_dependency_up", { dependency: "store" })).toBe(1);
    expect(sample(text, "hangar_database_engine", { engine: testDatabaseProvider() })).toBe(1);
  });
});
