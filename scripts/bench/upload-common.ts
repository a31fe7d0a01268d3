// What the upload benchmarks share (bench:upload, bench:browser-upload, bench:validation): the source file, one
// request streaming it, the plain PUT server they compare against, the pause between runs, clearing Hangar's images, medians.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { HangarProcess } from "../../lib/testing/hangar-process";

const MiB = 1024 ** 2;

/** A file of random-looking bytes in `dir`: one 16 MiB random block, repeated. */
export function sourceFile(dir: string, size: number): string {
  const file = path.join(dir, `source-${size}.bin`);
  const block = randomBytes(16 * MiB);
  const out = fs.openSync(file, "w");
  for (let written = 0; written < size; written += block.length) fs.writeSync(out, block, 0, Math.min(block.length, size - written));
  fs.closeSync(out);
  return file;
}

/** One request whose body is the file, streamed; the same code sends to every server measured. */
export function send(url: string, method: string, headers: Record<string, string>, file?: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      response.resume();
      response.on("end", () => resolve(response));
    });
    request.on("error", reject);
    if (file) fs.createReadStream(file, { highWaterMark: MiB }).pipe(request);
    else request.end();
  });
}

/**
 * Waits before a run: every run starts with no dirty pages left by the one before, whichever server
 * that was, and after the kernel has had time to take back the pages of the file the run before
 * deleted (on a VM with a free-page-reporting balloon that costs real time, which would otherwise fall
 * on whoever runs next).
 */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  execFileSync("sync");
}

/** The plain PUT server (scripts/bench/put-server.ts) writing into `directory`. */
export async function startBaseline(directory: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/bench/put-server.ts", directory], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    }),
  );
  return { child, url: `http://127.0.0.1:${port}/upload` };
}

/** Empties the baseline's directory: as Hangar's runs delete their image, neither side keeps the last run's file around. */
export function clearBaseline(directory: string): void {
  for (const entry of fs.readdirSync(directory)) fs.rmSync(path.join(directory, entry));
}

/** Removes the demo user's `bench-` images once validation is over, so that runs do not fill the disk. */
export async function clearImages(hangar: HangarProcess): Promise<void> {
  for (;;) {
    const busy = await hangar.db.image.count({ where: { status: { in: ["validating", "uploading"] }, createdById: hangar.demo.id } });
    if (busy === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const images = await hangar.db.image.findMany({ where: { createdById: hangar.demo.id, name: { startsWith: "bench-" } } });
  for (const image of images) {
    await hangar.db.image.delete({ where: { id: image.id } });
    if (image.storageKey) fs.rmSync(path.join(hangar.dataDir, "images", image.storageKey), { force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const CLOCK_TICKS = 100;

/** Process `pid` and all its descendants: each one's id, command line (joined by spaces) and CPU seconds so far. */
export function treeProcesses(pid: number): { pid: number; command: string; cpuSeconds: number }[] {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: fields count from the last ")".
      const text = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while the list was read.
    }
  }
  const inTree = (candidate: number): boolean => {
    for (let current = candidate, hops = 0; current > 1 && hops < 64; hops += 1) {
      if (current === pid) return true;
      current = stats.get(current)?.parent ?? 0;
    }
    return false;
  };
  const processes: { pid: number; command: string; cpuSeconds: number }[] = [];
  for (const [candidate, stat] of stats) {
    if (!inTree(candidate)) continue;
    let command = "";
    try {
      command = fs.readFileSync(`/proc/${candidate}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
      // Gone meanwhile: its ticks still count, unnamed.
    }
    processes.push({ pid: candidate, command, cpuSeconds: stat.ticks / CLOCK_TICKS });
  }
  return processes;
}

/**
 * CPU seconds (user and system, every thread) that process `pid` and all its descendants have used so far, summed
 * under the name `name` gives each process (its command line joined by spaces); null leaves a process out.
 */
export function treeCpuSecondsBy(pid: number, name: (command: string) => string | null): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const { command, cpuSeconds } of treeProcesses(pid)) {
    const key = name(command);
    if (key !== null) seconds.set(key, (seconds.get(key) ?? 0) + cpuSeconds);
  }
  return seconds;
}

/** CPU seconds (user and system, every thread) that process `pid` and all its descendants have used so far. */
export function treeCpuSeconds(pid: number): number {
  return treeCpuSecondsBy(pid, () => "all").get("all") ?? 0;
}

/**
 * Milliseconds per PATCH of `size` bytes, `count` of them in sequence on one kept-alive connection into one upload:
 * with small pieces, the fixed cost of one PATCH (round trip, authentication, lock, record lookup, progress note).
 */
export async function sequentialPatchesMs(hangar: HangarProcess, cookie: string, { count = 200, size = 4096 } = {}): Promise<number> {
  const piece = Buffer.alloc(size, 1);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = (url: string, method: string, headers: Record<string, string>, body?: Buffer) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const sent = http.request(url, { method, headers, agent }, (response) => {
        response.resume();
        response.on("end", () => resolve(response));
      });
      sent.on("error", reject);
      sent.end(body);
    });
  const created = await request(`${hangar.url}/api/v1/uploads`, "POST", {
    cookie,
    "tus-resumable": "1.0.0",
    "upload-length": String(piece.length * (count + 2)),
    "upload-metadata": `name ${Buffer.from(`bench-${randomBytes(4).toString("hex")}`).toString("base64")}`,
  });
  if (created.statusCode !== 201) throw new Error(`POST answered ${created.statusCode}`);
  const url = new URL(created.headers.location ?? "", hangar.url).toString();
  const patch = async (offset: number) => {
    const answer = await request(
      url,
      "PATCH",
      { cookie, "tus-resumable": "1.0.0", "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      piece,
    );
    if (answer.statusCode !== 204) throw new Error(`PATCH answered ${answer.statusCode}`);
  };
  // The first PATCH warms the upload's state up; one piece is never sent, so that no PATCH pays for the finish.
  await patch(0);
  const start = performance.now();
  for (let i = 1; i <= count; i += 1) await patch(i * piece.length);
  const perPatch = (performance.now() - start) / count;
  await request(url, "DELETE", { cookie, "tus-resumable": "1.0.0" });
  agent.destroy();
  return perPatch;
}
