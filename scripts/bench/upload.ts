// Upload throughput and memory: Hangar's production server (tus, hashing on) against a plain Node
// server that streams a PUT body to a file, with the same client, interleaved in one run so that the
// ratio holds on a shared machine. Then tus-js-client as the client, and its chunk size swept.
//
//   npm run bench:upload [-- --rounds 3] [-- --quick]
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tus from "tus-js-client";
import { type HangarProcess, launchHangar } from "../../lib/testing/hangar-process";
import { clearBaseline, clearImages, median, send, sequentialPatchesMs, settle, sourceFile, startBaseline } from "./upload-common";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 3;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const LARGE = quick ? 512 * MiB : 4 * GiB;
const SMALL = quick ? 128 * MiB : 1 * GiB;
/** The browser's fixed PATCH size before it chose sizes from the measured throughput (bench:browser-upload): kept as the reference row. */
const FIXED_CHUNK = 32 * MiB;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-upload-"));

function memory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/** Resets the kernel's peak-RSS mark of the process, so that VmHWM is the peak of what follows. */
function resetPeak(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

interface Sample {
  mbps: number;
  rssGrowth?: number;
  /** CPU seconds (all threads) the server spent per GiB received: what the throughput costs, whatever else runs. */
  cpuPerGiB?: number;
}

/** CPU time of a process and all its threads, in seconds (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function timed(size: number, run: () => Promise<void>): Promise<number> {
  await settle();
  const start = performance.now();
  await run();
  return size / 1e6 / ((performance.now() - start) / 1000);
}

let hangar: HangarProcess;
let cookie: string;

const name = () => Buffer.from(`bench-${randomBytes(4).toString("hex")}`).toString("base64");

/** Hangar with the plain client: one POST, then one PATCH carrying the whole file. */
async function hangarRaw(file: string, size: number): Promise<Sample> {
  const pid = hangar.pid();
  resetPeak(pid);
  const before = memory(pid).rss;
  const cpu = cpuSeconds(pid);
  const mbps = await timed(size, async () => {
    const created = await send(`${hangar.url}/api/v1/uploads`, "POST", {
      cookie,
      "tus-resumable": "1.0.0",
      "upload-length": String(size),
      "upload-metadata": `name ${name()}`,
    });
    if (created.statusCode !== 201) throw new Error(`POST answered ${created.statusCode}`);
    const url = new URL(created.headers.location ?? "", hangar.url).toString();
    const patched = await send(
      url,
      "PATCH",
      { cookie, "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream", "content-length": String(size) },
      file,
    );
    if (patched.statusCode !== 204) throw new Error(`PATCH answered ${patched.statusCode}`);
  });
  const cpuPerGiB = ((cpuSeconds(pid) - cpu) * GiB) / size;
  const rssGrowth = memory(pid).peak - before;
  await clearImages(hangar);
  return { mbps, rssGrowth, cpuPerGiB };
}

/** Hangar with tus-js-client (as `hangar upload` and, with a Blob, the browser use it). */
async function hangarTus(file: string, size: number, chunkSize: number): Promise<Sample> {
  const pid = hangar.pid();
  resetPeak(pid);
  const before = memory(pid).rss;
  const cpu = cpuSeconds(pid);
  const mbps = await timed(
    size,
    () =>
      new Promise<void>((resolve, reject) => {
        new tus.Upload(fs.createReadStream(file), {
          endpoint: `${hangar.url}/api/v1/uploads`,
          headers: { cookie },
          chunkSize,
          metadata: { name: `bench-${randomBytes(4).toString("hex")}` },
          retryDelays: null,
          onSuccess: () => resolve(),
          onError: reject,
        }).start();
      }),
  );
  const cpuPerGiB = ((cpuSeconds(pid) - cpu) * GiB) / size;
  const rssGrowth = memory(pid).peak - before;
  await clearImages(hangar);
  return { mbps, rssGrowth, cpuPerGiB };
}

let baselinePid = 0;

const baselineDir = path.join(scratch, "baseline");

async function baselinePut(url: string, file: string, size: number): Promise<Sample> {
  const cpu = cpuSeconds(baselinePid);
  const mbps = await timed(size, async () => {
    await send(url, "PUT", { "content-length": String(size) }, file);
  });
  const cpuPerGiB = ((cpuSeconds(baselinePid) - cpu) * GiB) / size;
  clearBaseline(baselineDir);
  return { mbps, cpuPerGiB };
}

const mb = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const size = (bytes: number) => (bytes >= GiB ? `${bytes / GiB} GiB` : mb(bytes));

async function main() {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("The benchmark runs the production build: run `npx next build` first.");
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / GiB).toFixed(0)} GiB, Node ${process.version}; load average ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(" ")}`,
  );
  const large = sourceFile(scratch, LARGE);
  const small = sourceFile(scratch, SMALL);
  hangar = await launchHangar({ HANGAR_USER_QUOTA: "none", HANGAR_MAX_IMAGE_SIZE: "400GiB" });
  cookie = await hangar.cookie(hangar.demo);
  fs.mkdirSync(baselineDir);
  const baseline = await startBaseline(baselineDir);
  baselinePid = baseline.child.pid ?? 0;
  try {
    // Warm-up: the first request of each server compiles and allocates what later ones reuse.
    await baselinePut(baseline.url, small, SMALL);
    await hangarRaw(small, SMALL);

    const results: Partial<Record<string, Sample[]>> = {};
    const add = (label: string, sample: Sample) => (results[label] ??= []).push(sample);
    for (const bytes of [LARGE, SMALL]) {
      const file = bytes === LARGE ? large : small;
      const runs: [string, () => Promise<Sample>][] = [
        [`baseline ${size(bytes)}`, () => baselinePut(baseline.url, file, bytes)],
        [`hangar ${size(bytes)}`, () => hangarRaw(file, bytes)],
        [`hangar tus-js-client ${mb(FIXED_CHUNK)} chunks ${size(bytes)}`, () => hangarTus(file, bytes, FIXED_CHUNK)],
        [`hangar tus-js-client one PATCH ${size(bytes)}`, () => hangarTus(file, bytes, Number.POSITIVE_INFINITY)],
      ];
      for (let round = 0; round < rounds; round += 1) {
        // ABBA order: neither server always runs first, or always right after the other.
        for (const [label, run] of round % 2 === 0 ? runs : [...runs].reverse()) add(label, await run());
      }
    }
    console.log(
      `\nMB/s (median of ${rounds}, interleaved) · ratio to the plain PUT server of the same size · server CPU s per GiB (median) · Hangar's peak RSS growth (largest)`,
    );
    for (const [label, samples = []] of Object.entries(results)) {
      const bytes = label.endsWith(size(LARGE)) ? LARGE : SMALL;
      const base = median(results[`baseline ${size(bytes)}`]?.map((sample) => sample.mbps) ?? []);
      const speed = median(samples.map((sample) => sample.mbps));
      const growth = samples.some((sample) => sample.rssGrowth !== undefined) ? mb(Math.max(...samples.map((sample) => sample.rssGrowth ?? 0))) : "";
      const cpu = median(samples.map((sample) => sample.cpuPerGiB ?? 0));
      console.log(
        `${label.padEnd(48)} ${speed.toFixed(0).padStart(6)} MB/s   ${(speed / base).toFixed(2)}x   ${cpu.toFixed(2).padStart(5)} s/GiB   ${growth.padStart(8)}   [${samples.map((sample) => sample.mbps.toFixed(0)).join(", ")}]`,
      );
    }

    const overhead = median([await sequentialPatchesMs(hangar, cookie), await sequentialPatchesMs(hangar, cookie), await sequentialPatchesMs(hangar, cookie)]);
    const loopback = median(results[`baseline ${size(LARGE)}`]?.map((sample) => sample.mbps) ?? []) * 1e6;
    console.log(`\nfixed cost of one PATCH: ${overhead.toFixed(2)} ms (median of 3 × 200 sequential 4 KiB PATCH requests)`);
    console.log("share of an upload's time that per-PATCH costs take, by chunk size and link speed:");
    console.log(
      `${"".padStart(10)} ${["2 Mbit/s", "100 Mbit/s", "1 Gbit/s", "10 Gbit/s", `loopback ${(loopback / 1e6).toFixed(0)} MB/s`].map((label) => label.padStart(20)).join("")}`,
    );
    for (const chunk of [8 * MiB, 16 * MiB, 32 * MiB, 64 * MiB, 128 * MiB]) {
      const cells = [0.25e6, 12.5e6, 125e6, 1250e6, loopback].map((bytesPerSecond) => {
        const seconds = chunk / bytesPerSecond;
        const share = (overhead / 1000 / (seconds + overhead / 1000)) * 100;
        return `${share.toFixed(share < 1 ? 2 : 1)}% · ${seconds >= 1 ? `${seconds.toFixed(0)} s` : `${(seconds * 1000).toFixed(0)} ms`}`.padStart(20);
      });
      console.log(`${mb(chunk).padStart(8)}   ${cells.join("")}`);
    }

    console.log(`\ntus-js-client chunk size, ${size(SMALL)} (median of 2, each next to a plain PUT)`);
    for (const chunk of [8 * MiB, 16 * MiB, 32 * MiB, 64 * MiB, 128 * MiB]) {
      const ratios: number[] = [];
      const speeds: number[] = [];
      for (let round = 0; round < 2; round += 1) {
        const base = round === 0 ? (await baselinePut(baseline.url, small, SMALL)).mbps : 0;
        const sample = await hangarTus(small, SMALL, chunk);
        const after = round === 1 ? (await baselinePut(baseline.url, small, SMALL)).mbps : base;
        speeds.push(sample.mbps);
        ratios.push(sample.mbps / after);
      }
      console.log(`${mb(chunk).padStart(8)} chunks  ${median(speeds).toFixed(0).padStart(6)} MB/s   ${median(ratios).toFixed(2)}x`);
    }
    console.log(
      `\nload average after: ${os
        .loadavg()
        .map((value) => value.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    baseline.child.kill();
    await hangar.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
