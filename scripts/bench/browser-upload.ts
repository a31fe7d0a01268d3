// The browser's upload path in Chromium: a file sent through Hangar's upload dialog (tus, PATCH sizes
// chosen from the measured throughput), against the same file sent by fetch() PUT from the same page
// to the plain PUT server (scripts/bench/put-server.ts); beside them, the same file to Hangar in one
// PATCH by fetch (the server's share of the difference) and by tus-js-client with the fixed 32 MiB
// PATCH the browser used before. Interleaved ABBA in one run so that the ratios hold on a shared
// machine. Hangar runs as in production (`next build` output, its own process, hashing on).
//
//   npm run bench:browser-upload [-- --rounds 3] [-- --quick]
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page, type Request } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumExecutable } from "../../lib/testing/chromium";
import { type HangarProcess, launchHangar } from "../../lib/testing/hangar-process";
import { clearBaseline, clearImages, median, settle, sourceFile, startBaseline, treeCpuSeconds } from "./upload-common";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 3;
const MiB = 1024 ** 2;
const SIZE = quick ? 256 * MiB : 1024 * MiB;
const FIXED_CHUNK = 32 * MiB;

declare global {
  interface Window {
    tus?: typeof import("tus-js-client");
    benchStart?: number;
    benchDone?: Promise<number>;
    benchVerdict?: Promise<number>;
  }
}

interface Run {
  ms: number;
  /** The dialog: from the click until the tray shows the verdict (the hash caught up and validation done). */
  verdictMs?: number;
  /** Bytes of each PATCH, in order (the dialog and tus-js-client runs). */
  patches?: number[];
  /** When the run started (ms since the epoch) and when each of its requests ran. */
  timeline?: { start: number; requests: { method: string; start: number; end: number }[] };
  /** CPU seconds the browser (with the benchmark's driver) and the receiving server used while the bytes flowed. */
  cpu?: Cpu;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-browser-"));
const baselineDir = path.join(scratch, "baseline");
const benchName = () => `bench-${randomBytes(4).toString("hex")}`;

type Cpu = { client: number; server: number };
let serverPids: number[] = [];
/** CPU seconds used so far by the browser (with the benchmark's own driver) and by the receiving servers. */
function cpuNow(): Cpu {
  const server = serverPids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
  return { client: treeCpuSeconds(process.pid) - server, server };
}
// On two cores the browser and the server share the CPU: what each side burns while the bytes flow shows where a gap comes from, whatever the load.
const cpuSince = (mark: Cpu): Cpu => {
  const now = cpuNow();
  return { client: now.client - mark.client, server: now.server - mark.server };
};

/** The page, fresh: /images signed in as the demo user, a file input holding the source file, tus-js-client loaded. */
async function freshPage(page: Page, hangar: HangarProcess, file: string): Promise<void> {
  await page.goto(`${hangar.url}/images`);
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.type = "file";
    input.id = "bench-file";
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles("#bench-file", file);
  await page.addScriptTag({ path: "node_modules/tus-js-client/dist/tus.min.js" });
}

/**
 * The page's upload requests from now on: each PATCH's size (from the Upload-Offset of the next), and
 * when each POST and PATCH ran (ms since the epoch), to show where a run's time went.
 */
function watchUploads(page: Page): () => { patches: number[]; requests: { method: string; start: number; end: number }[] } {
  const offsets: number[] = [];
  const requests: { method: string; start: number; end: number }[] = [];
  const isUpload = (request: Request) => request.url().includes("/api/v1/uploads") && ["POST", "PATCH"].includes(request.method());
  const sent = (request: Request) => {
    if (isUpload(request) && request.method() === "PATCH") offsets.push(Number(request.headers()["upload-offset"]));
  };
  const finished = (request: Request) => {
    if (!isUpload(request)) return;
    const timing = request.timing();
    requests.push({ method: request.method(), start: timing.startTime, end: timing.startTime + timing.responseEnd });
  };
  page.on("request", sent);
  page.on("requestfinished", finished);
  return () => {
    page.off("request", sent);
    page.off("requestfinished", finished);
    return { patches: offsets.map((offset, index) => (offsets[index + 1] ?? SIZE) - offset), requests };
  };
}

async function baselinePut(page: Page, url: string): Promise<Run> {
  await settle();
  const mark = cpuNow();
  const ms = await page.evaluate(async (target) => {
    const file = (document.getElementById("bench-file") as HTMLInputElement).files?.[0];
    if (!file) throw new Error("no file in the page");
    const start = performance.now();
    const response = await fetch(target, { method: "PUT", body: file });
    if (!response.ok) throw new Error(`PUT answered ${response.status}`);
    return performance.now() - start;
  }, url);
  const cpu = cpuSince(mark);
  clearBaseline(baselineDir);
  return { ms, cpu };
}

/** Through the dialog, as a user: pick the file, name it, click Upload; timed from the click until the tray says the last byte arrived. */
async function dialogUpload(page: Page, hangar: HangarProcess, file: string): Promise<Run> {
  const name = benchName();
  const chooser = page.waitForEvent("filechooser");
  await page
    .getByRole("region", { name: /My images/ })
    .getByRole("button", { name: "Upload image" })
    .first()
    .click();
  await (await chooser).setFiles(file);
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  const upload = dialog.getByRole("button", { name: "Upload", exact: true });
  // Enabled once the file is checked (format, sample, unfinished uploads).
  while (!(await upload.isEnabled())) await page.waitForTimeout(50);
  await page.evaluate((label) => {
    const reached = (statuses: string[]) =>
      new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          const status = document.querySelector(`[aria-label="${label}"]`)?.getAttribute("data-upload-status") ?? "";
          if (statuses.includes(status)) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-upload-status"] });
      });
    window.benchDone = reached(["validating", "ready", "rejected"]);
    window.benchVerdict = reached(["ready", "rejected"]);
    const button = [...document.querySelectorAll<HTMLButtonElement>('[role="dialog"] button')].find((candidate) => candidate.textContent === "Upload");
    button?.addEventListener("click", () => (window.benchStart = performance.now()), { capture: true, once: true });
  }, `Upload of ${name}`);
  await settle();
  const watched = watchUploads(page);
  const mark = cpuNow();
  await upload.click();
  await page.evaluate(() => window.benchDone);
  const cpu = cpuSince(mark);
  const [ms, verdictMs, start] = await page.evaluate(async () => {
    const end = await (window.benchDone as Promise<number>);
    const verdict = await (window.benchVerdict as Promise<number>);
    const begin = window.benchStart ?? 0;
    return [end - begin, verdict - begin, performance.timeOrigin + begin];
  });
  const { patches, requests } = watched();
  await clearImages(hangar);
  return { ms, verdictMs, patches, timeline: { start, requests }, cpu };
}

/** The same bytes to Hangar in one request, by fetch from the same page (a tus POST, then one PATCH): what Hangar's server takes, with no client of its own around it. */
async function onePatch(page: Page, hangar: HangarProcess): Promise<Run> {
  await settle();
  const mark = cpuNow();
  const ms = await page.evaluate(async (name) => {
    const file = (document.getElementById("bench-file") as HTMLInputElement).files?.[0];
    if (!file) throw new Error("no file in the page");
    const tus = { "tus-resumable": "1.0.0" };
    const start = performance.now();
    const created = await fetch("/api/v1/uploads", {
      method: "POST",
      headers: { ...tus, "upload-length": String(file.size), "upload-metadata": `name ${btoa(name)}` },
    });
    if (created.status !== 201) throw new Error(`POST answered ${created.status}`);
    const patched = await fetch(created.headers.get("location") ?? "", {
      method: "PATCH",
      headers: { ...tus, "upload-offset": "0", "content-type": "application/offset+octet-stream" },
      body: file,
    });
    if (patched.status !== 204) throw new Error(`PATCH answered ${patched.status}`);
    return performance.now() - start;
  }, benchName());
  const cpu = cpuSince(mark);
  await clearImages(hangar);
  return { ms, cpu };
}

/** tus-js-client in the same page, PATCHes of `chunkSize` (Infinity: one), with a progress listener as the portal has. */
async function tusJsClient(page: Page, hangar: HangarProcess, chunkSize: number): Promise<Run> {
  await settle();
  const watched = watchUploads(page);
  const mark = cpuNow();
  const ms = await page.evaluate(
    async ({ chunkSize, name }) => {
      const file = (document.getElementById("bench-file") as HTMLInputElement).files?.[0];
      const tus = window.tus;
      if (!file || !tus) throw new Error("no file or tus-js-client in the page");
      const start = performance.now();
      await new Promise<void>((resolve, reject) => {
        new tus.Upload(file, {
          endpoint: "/api/v1/uploads",
          chunkSize,
          metadata: { name, filename: file.name },
          retryDelays: null,
          storeFingerprintForResuming: false,
          onProgress: () => undefined,
          onSuccess: () => resolve(),
          onError: reject,
        }).start();
      });
      return performance.now() - start;
    },
    { chunkSize, name: benchName() },
  );
  const cpu = cpuSince(mark);
  const { patches } = watched();
  await clearImages(hangar);
  return { ms, patches, cpu };
}

const mbps = (run: Run) => SIZE / 1e6 / (run.ms / 1000);
const mib = (bytes: number) => `${Math.round(bytes / MiB)}`;

async function main() {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("The benchmark runs the production build: run `npx next build` first.");
  const load = () =>
    os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(" ");
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; load average ${load()}`,
  );
  const file = sourceFile(scratch, SIZE);
  fs.mkdirSync(baselineDir);
  const hangar = await launchHangar({ HANGAR_USER_QUOTA: "none", HANGAR_MAX_IMAGE_SIZE: "400GiB" });
  const baseline = await startBaseline(baselineDir);
  serverPids = [hangar.pid(), baseline.child.pid ?? 0];
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
    console.log(`browser: ${browser.version()}`);
    // The portal's Content-Security-Policy allows requests to its own origin only and scripts with its
    // nonce: the benchmark's PUT to the plain server and its tus-js-client script tag need it lifted.
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, bypassCSP: true });
    // tsx names the functions it compiles with a helper (__name) that the page lacks; the functions passed to the page need it there.
    await context.addInitScript({ content: "globalThis.__name = (target) => target;" });
    const [cookieName = "", ...value] = (await hangar.cookie(hangar.demo)).split("=");
    await context.addCookies([{ name: cookieName, value: value.join("="), url: hangar.url }]);
    const page = await context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());

    const cases: [string, () => Promise<Run>][] = [
      ["fetch PUT to the plain server", () => baselinePut(page, baseline.url)],
      ["upload dialog (tus, adaptive PATCH sizes)", () => dialogUpload(page, hangar, file)],
      ["fetch, one PATCH to Hangar", () => onePatch(page, hangar)],
      [`tus-js-client, fixed ${mib(FIXED_CHUNK)} MiB PATCH`, () => tusJsClient(page, hangar, FIXED_CHUNK)],
      ["tus-js-client, one PATCH", () => tusJsClient(page, hangar, Number.POSITIVE_INFINITY)],
    ];
    // Warm-up: the first request of each kind compiles and allocates what later ones reuse.
    await freshPage(page, hangar, file);
    for (const [, run] of cases) await run();

    const results = new Map<string, Run[]>(cases.map(([label]) => [label, []]));
    for (let round = 0; round < rounds; round += 1) {
      // ABBA order: no case always runs first, or always right after another.
      for (const [label, run] of round % 2 === 0 ? cases : [...cases].reverse()) {
        await freshPage(page, hangar, file);
        results.get(label)?.push(await run());
      }
    }

    const speedOf = (index: number) => median((results.get(cases[index]?.[0] ?? "") ?? []).map(mbps));
    const [base, dialog, server] = [speedOf(0), speedOf(1), speedOf(2)];
    console.log(`\n${mib(SIZE)} MiB from Chromium, MB/s (median of ${rounds}, interleaved) · ratio to fetch PUT to the plain server · runs`);
    for (const [label, runs] of results) {
      const speed = median(runs.map(mbps));
      console.log(
        `${label.padEnd(44)} ${speed.toFixed(0).padStart(6)} MB/s   ${(speed / base).toFixed(2)}x   [${runs.map((run) => mbps(run).toFixed(0)).join(", ")}]`,
      );
      const verdicts = runs.flatMap((run) => (run.verdictMs === undefined ? [] : [run.verdictMs]));
      if (verdicts.length > 0)
        console.log(
          `${"".padEnd(44)} click to the verdict (the hash caught up, validation done): ${(median(verdicts) / 1000).toFixed(2)} s median, last byte at ${(median(runs.map((run) => run.ms)) / 1000).toFixed(2)} s`,
        );
      const cpu = runs.flatMap((run) => (run.cpu ? [run.cpu] : []));
      if (cpu.length > 0)
        console.log(
          `${"".padEnd(44)} CPU seconds per run (median): browser ${median(cpu.map((c) => c.client)).toFixed(2)}, server ${median(cpu.map((c) => c.server)).toFixed(2)}`,
        );
      const sizes = runs.find((run) => run.patches)?.patches;
      if (sizes) console.log(`${"".padEnd(44)} PATCH sizes (MiB), first run: ${sizes.map(mib).join(", ")}`);
      const timeline = runs.find((run) => run.timeline)?.timeline;
      if (timeline) {
        const at = (time: number) => Math.round(time - timeline.start);
        const spans = timeline.requests.map((request) => `${request.method} ${at(request.start)}–${at(request.end)}`).join(" · ");
        console.log(`${"".padEnd(44)} requests, ms after the click, first run: ${spans}`);
      }
    }
    // Load on a shared machine moves from round to round: the ratio within each round cancels more of it than the ratio of medians.
    const perRound = (index: number) => {
      const runs = results.get(cases[index]?.[0] ?? "") ?? [];
      const bases = results.get(cases[0]?.[0] ?? "") ?? [];
      return runs.map((run, round) => mbps(run) / mbps(bases[round] ?? run));
    };
    const dialogRatios = perRound(1);
    console.log(
      `\nupload dialog / fetch PUT, within each round: ${median(dialogRatios).toFixed(2)}x median [${dialogRatios.map((ratio) => ratio.toFixed(2)).join(", ")}]`,
    );
    // The dialog's ratio is the product of two: what the client costs over one request, and what Hangar's server costs over the plain one.
    console.log(
      `\nupload dialog / one PATCH to Hangar: ${(dialog / server).toFixed(2)}x (the client's share); one PATCH / plain PUT: ${(server / base).toFixed(2)}x (the server's)`,
    );
    console.log(`\nload average after: ${load()}`);
  } finally {
    await browser?.close();
    baseline.child.kill();
    await hangar.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
