import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signInOverHttp } from "../lib/testing/browser-session";
import { type HangarProcess, launchHangar } from "../lib/testing/hangar-process";
import { requestHead } from "../lib/testing/raw-connection";
import { actionId } from "../lib/testing/server-actions";
import type { FloodCounts, FloodPlan } from "./attackers/stall-flood";

// The acceptance for stalled clients: 20,000 stalled connections from loopback (2,000 had stayed open for ever, and
// 20,000 exhausted the open-file limit: every user then got connection resets). The server runs with its
// default limits. A process may hold at most 20,000 open files here, so four attacking processes hold 5,000
// each, over 200 source addresses (100 each, under the default cap of 256 per address). Meanwhile a user
// signs in, lists images, uploads 64 MiB and downloads it.

const ATTACKERS = 4;
const PER_ATTACKER = 5_000;
const ADDRESSES = Array.from({ length: 200 }, (_, i) => `127.77.${Math.floor(i / 100)}.${(i % 100) + 1}`);
// The attack stops by itself after this long, whatever happens to the test.
const ATTACK_SECONDS = 120;

let hangar: HangarProcess;
const attackers: { child: ChildProcess; counts: FloodCounts }[] = [];
let timeline: NodeJS.Timeout | undefined;

beforeAll(async () => {
  hangar = await launchHangar();
}, 180_000);
afterAll(async () => {
  clearInterval(timeline);
  for (const { child } of attackers) child.kill("SIGTERM");
  await hangar.close();
});

/** The start of each kind of request the issue names, each then left waiting for the rest of its body or headers. */
function stalledRequests(url: string): string[] {
  const body = (method: string, target: string, headers: Record<string, string>, first: string) =>
    requestHead(method, target, url, { ...headers, "content-length": 100_000 }) + first;
  return [
    body("POST", "/api/auth/callback/credentials", { "content-type": "application/x-www-form-urlencoded" }, "csrfToken="),
    body("POST", "/images", { "next-action": actionId("renameAction"), "content-type": "text/plain;charset=UTF-8" }, '["'),
    body("PATCH", "/api/v1/images/some-id", { "content-type": "application/json" }, '{"name":'),
    // Headers that never end.
    `GET /images HTTP/1.1\r\nhost: ${new URL(url).host}\r\nx-slow: `,
  ];
}

/** Starts an attacking process with its open-file limit raised to the hard limit. */
function startAttacker(plan: FloodPlan): { child: ChildProcess; counts: FloodCounts } {
  const script = path.resolve("security/attackers/stall-flood.ts");
  const child = spawn("bash", ["-c", 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, "--import", "tsx", script, JSON.stringify(plan)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const attacker = { child, counts: { open: 0, connecting: 0, opened: 0, closed: 0, failed: 0 } };
  readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    attacker.counts = JSON.parse(line) as FloodCounts;
  });
  return attacker;
}

const total = (key: keyof FloodCounts) => attackers.reduce((sum, { counts }) => sum + counts[key], 0);
const serverFiles = () => fs.readdirSync(`/proc/${hangar.pid()}/fd`).length;

it("while 20,000 stalled connections are held from loopback, a user signs in, lists images, uploads 64 MiB and downloads it", async () => {
  const requests = stalledRequests(hangar.url);
  for (let i = 0; i < ATTACKERS; i += 1) {
    attackers.push(
      startAttacker({
        url: hangar.url,
        connections: PER_ATTACKER,
        addresses: ADDRESSES.filter((_, index) => index % ATTACKERS === i),
        requests,
        seconds: ATTACK_SECONDS,
        reopenDelayMs: 250,
        openPerTick: 250,
      }),
    );
  }
  // The attack is on once the attackers have opened their 20,000 connections and hold nine in ten of them.
  timeline = setInterval(
    () =>
      console.log(
        `t open ${total("open")} connecting ${total("connecting")} opened ${total("opened")} closed ${total("closed")} failed ${total("failed")} server ${serverFiles()}`,
      ),
    2000,
  );
  await expect
    .poll(() => total("opened") >= ATTACKERS * PER_ATTACKER && total("open") >= ATTACKERS * PER_ATTACKER * 0.9, { timeout: 60_000, interval: 250 })
    .toBe(true);
  const atStart = { open: total("open"), serverFiles: serverFiles() };
  const started = Date.now();
  const steps: string[] = [];
  const step = (name: string) => steps.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const signedIn = await signInOverHttp(hangar.url, "demo@hangar.local", "hangar-demo");
  expect(signedIn.error).toBeNull();
  const cookie = signedIn.cookie ?? "";
  step("signed in");
  const page = await fetch(`${hangar.url}/images`, { headers: { cookie } });
  expect(page.status).toBe(200);
  const listed = await fetch(`${hangar.url}/api/v1/images`, { headers: { cookie } });
  expect(listed.status).toBe(200);
  expect(((await listed.json()) as { total: number }).total).toBeGreaterThan(0);
  step("listed");

  const bytes = randomBytes(64 << 20);
  const tus = { cookie, "tus-resumable": "1.0.0" };
  const created = await fetch(`${hangar.url}/api/v1/uploads`, {
    method: "POST",
    headers: { ...tus, "upload-length": String(bytes.length), "upload-metadata": `name ${Buffer.from("under-attack").toString("base64")}` },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const uploaded = await fetch(`${hangar.url}${created.headers.get("location") ?? ""}`, {
    method: "PATCH",
    headers: { ...tus, "upload-offset": "0", "content-type": "application/offset+octet-stream" },
    body: bytes,
  });
  expect(uploaded.status, await uploaded.clone().text()).toBe(204);
  const imageId = uploaded.headers.get("hangar-image-id") ?? "";
  step("uploaded");
  const downloaded = await fetch(`${hangar.url}/api/v1/images/${imageId}/file`, { headers: { cookie } });
  expect(downloaded.status).toBe(200);
  const digest = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
  expect(digest(new Uint8Array(await downloaded.arrayBuffer()))).toBe(digest(bytes));
  step("downloaded");

  const atEnd = { open: total("open"), opened: total("opened"), closed: total("closed"), failed: total("failed"), serverFiles: serverFiles() };
  console.log(`stall flood: at the start ${JSON.stringify(atStart)}, at the end ${JSON.stringify(atEnd)}; ${steps.join(", ")}`);
  // Still under attack when the user was done: the attackers held most of their connections open all along.
  expect(atEnd.open + total("connecting")).toBeGreaterThan(ATTACKERS * PER_ATTACKER * 0.8);
}, 300_000);
