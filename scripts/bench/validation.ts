// Validation off the request thread: a large upload's throughput and the catalog page's latency while
// two large images validate, against the same on an idle server, interleaved in one run so that the ratio holds on
// a shared machine. The images validated are the 4 GiB Debian 12 guest of bench:guest (qcow2, ~1 GiB), registered
// by an admin from the import directory (hard links: no copy); the run prints how many were still validating when each upload ended.
//
//   npm run bench:validation [-- --rounds 3] [-- --quick]
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type HangarProcess, launchHangar } from "../../lib/testing/hangar-process";
import { median, send, sourceFile } from "./upload-common";
import { callAction } from "../../lib/testing/server-actions";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 3;
const MiB = 1024 ** 2;
const UPLOAD = quick ? 256 * MiB : 1024 * MiB;
// Two validating (the pool's default size) and two waiting: registering hashes each file, so more would only make the run longer.
const QUEUED = 4;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-validation-"));
const guestDir = execFileSync("bash", [path.join(import.meta.dirname, "guest-image.sh")], { stdio: ["ignore", "pipe", "inherit"] })
  .toString()
  .trim();
const guest = path.join(guestDir, "debian12.qcow2");

let user: string;
let admin: string;

/** One tus upload of the file in a single PATCH; MB/s. */
async function upload(file: string): Promise<number> {
  const created = await send(`${hangar.url}/api/v1/uploads`, "POST", {
    cookie: user,
    "tus-resumable": "1.0.0",
    "upload-length": String(UPLOAD),
    "upload-metadata": `name ${Buffer.from(`bench-${randomBytes(4).toString("hex")}`).toString("base64")}`,
  });
  if (created.statusCode !== 201) throw new Error(`POST answered ${created.statusCode}`);
  const start = performance.now();
  const patched = await send(
    new URL(created.headers.location ?? "", hangar.url).toString(),
    "PATCH",
    { cookie: user, "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream", "content-length": String(UPLOAD) },
    file,
  );
  if (patched.statusCode !== 204) throw new Error(`PATCH answered ${patched.statusCode}`);
  return UPLOAD / 1e6 / ((performance.now() - start) / 1000);
}

/** Loads the catalog page (server-rendered, signed in) one request after another until `done`; the latencies in ms. */
async function catalogLatencies(done: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!done()) {
    const start = performance.now();
    const response = await fetch(`${hangar.url}/images`, { headers: { cookie: user } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`the catalog page answered ${response.status}`);
    latencies.push(performance.now() - start);
  }
  return latencies;
}

const validating = () => hangar.db.image.count({ where: { status: "validating" } });

/** Registers `count` copies of the guest (hard links in the import directory) as platform images: each is validated. */
async function queueValidations(count: number): Promise<void> {
  const importDir = path.join(hangar.dataDir, "import");
  fs.mkdirSync(importDir, { recursive: true });
  const register = async () => {
    const fileName = `bench-${randomBytes(4).toString("hex")}.qcow2`;
    fs.linkSync(guest, path.join(importDir, fileName));
    const response = await callAction(hangar.url, "/images", "registerAction", [{ fileName, name: fileName.replace(".qcow2", "") }], { cookie: admin });
    const text = await response.text();
    if (response.status !== 200 || !text.includes('"ok":true')) throw new Error(`registering answered ${response.status}: ${text.slice(0, 200)}`);
  };
  await Promise.all(Array.from({ length: count }, register));
}

async function settle(): Promise<void> {
  while ((await validating()) > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  for (const image of await hangar.db.image.findMany({ where: { name: { startsWith: "bench-" } } })) {
    await hangar.db.image.delete({ where: { id: image.id } });
    if (image.storageKey) fs.rmSync(path.join(hangar.dataDir, "images", image.storageKey), { force: true });
  }
  execFileSync("sync");
  await new Promise((resolve) => setTimeout(resolve, 3000));
}

/** One upload with the catalog page loaded alongside it; `validations` says how many images were validating at its start and end. */
async function measure(file: string): Promise<{ mbps: number; latencies: number[]; validations: [number, number] }> {
  const atStart = await validating();
  let finished = false;
  const pages = catalogLatencies(() => finished);
  const mbps = await upload(file);
  finished = true;
  const atEnd = await validating();
  return { mbps, latencies: await pages, validations: [atStart, atEnd] };
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))] ?? 0;

const hangar: HangarProcess = await launchHangar();
try {
  user = await hangar.cookie(hangar.demo);
  admin = await hangar.cookie(hangar.admin);
  const file = sourceFile(scratch, UPLOAD);
  const idle: { mbps: number[]; latencies: number[] } = { mbps: [], latencies: [] };
  const busy: { mbps: number[]; latencies: number[]; validations: string[] } = { mbps: [], latencies: [], validations: [] };
  // A first upload and page load warm the server (its code, the page's compilation caches), measured by neither side.
  await upload(file);
  await catalogLatencies(() => true);
  await settle();
  for (let round = 0; round < rounds; round += 1) {
    const quiet = await measure(file);
    idle.mbps.push(quiet.mbps);
    idle.latencies.push(...quiet.latencies);
    await settle();
    // Two inspections running (the pool's size), the rest queued behind them.
    await queueValidations(QUEUED);
    const loaded = await measure(file);
    busy.mbps.push(loaded.mbps);
    busy.latencies.push(...loaded.latencies);
    busy.validations.push(loaded.validations.join("→"));
    await settle();
  }
  const ratio = median(busy.mbps) / median(idle.mbps);
  const load = os.loadavg().map((value) => value.toFixed(1));
  console.log(`upload of ${UPLOAD / MiB} MiB, ${rounds} rounds, load average ${load.join(", ")}`);
  console.log("case                              upload MB/s (median; runs)          catalog page p50 / p95 (requests)");
  const row = (label: string, side: { mbps: number[]; latencies: number[] }) =>
    `${label.padEnd(34)}${median(side.mbps).toFixed(0).padStart(5)} (${side.mbps.map((v) => v.toFixed(0)).join(", ")})`.padEnd(70) +
    `${median(side.latencies).toFixed(0)} / ${p95(side.latencies).toFixed(0)} ms (${side.latencies.length})`;
  console.log(row("idle server", idle));
  console.log(row("two large validations running", busy));
  console.log(`images validating at the start → end of each loaded upload: ${busy.validations.join(", ")}`);
  console.log(
    `throughput ratio (validating / idle): ${ratio.toFixed(2)} (goal ≥ 0.80); catalog p95 while validating: ${p95(busy.latencies).toFixed(0)} ms (goal < 150 ms)`,
  );
} finally {
  await hangar.close();
  fs.rmSync(scratch, { recursive: true, force: true });
}
