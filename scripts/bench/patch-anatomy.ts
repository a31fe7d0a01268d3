// What one 4 KiB PATCH costs the PostgreSQL server, counted rather than timed (load does not distort counts):
// the SQL statements PostgreSQL receives per PATCH (log_statement = all over a window of PATCHes), split by the
// connection that sent them (the Prisma pool or the upload-lock session), and optionally a CPU profile of the server.
//
//   npx tsx scripts/bench/patch-anatomy.ts [--patches 1000] [--cpu-prof DIR] [--baseline DIR]
//
// --baseline DIR runs a second server from another checkout (its own .next build) beside this one, interleaved:
// before and after a change in one run.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { type HangarProcess, launchHangar } from "../../lib/testing/hangar-process";
import { loadAverage, startBenchmark } from "./machine";
import { benchPostgres, loggedStatements } from "./statement-log";
import { median, treeCpuSeconds } from "./upload-common";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const patches = Number(option("--patches")) || 1000;
const cpuProf = option("--cpu-prof");
const baseline = option("--baseline");
const PIECE = Buffer.alloc(4096, 1);

interface Server {
  label: string;
  hangar: HangarProcess;
  cookie: string;
  times: number[];
  /** When its timed PATCHes ran (µs of the monotonic clock, the CPU profile's), to cut its profile to them. */
  windows: [number, number][];
  /** CPU seconds its process (every thread) and PostgreSQL (every backend) used over its timed PATCHes. */
  cpu: { node: number; postgres: number; patches: number };
}

/** PostgreSQL's postmaster, whose children are the backends: the first line of its pid file. */
let postmaster = 0;

/** An upload of `count` pieces (one never sent: no PATCH pays for a finish) and a PATCH function into it. */
async function openUpload(server: Server, count: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = (url: string, method: string, headers: Record<string, string>, body?: Buffer) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const sent = http.request(url, { method, headers: { cookie: server.cookie, "tus-resumable": "1.0.0", ...headers }, agent }, (response) => {
        response.resume();
        response.on("end", () => resolve(response));
      });
      sent.on("error", reject);
      sent.end(body);
    });
  const created = await request(`${server.hangar.url}/api/v1/uploads`, "POST", {
    "upload-length": String(PIECE.length * (count + 1)),
    "upload-metadata": `name ${Buffer.from(`bench-${Math.random().toString(16).slice(2, 10)}`).toString("base64")}`,
  });
  if (created.statusCode !== 201) throw new Error(`POST answered ${created.statusCode}`);
  const url = new URL(created.headers.location ?? "", server.hangar.url).toString();
  let offset = 0;
  return {
    async patch() {
      const answer = await request(url, "PATCH", { "upload-offset": String(offset), "content-type": "application/offset+octet-stream" }, PIECE);
      if (answer.statusCode !== 204) throw new Error(`PATCH answered ${answer.statusCode}`);
      offset += PIECE.length;
    },
    async close() {
      await request(url, "DELETE", {});
      agent.destroy();
    },
  };
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function timedPatches(server: Server, count: number): Promise<number> {
  const upload = await openUpload(server, count + 1);
  await upload.patch();
  const start = performance.now();
  const from = monotonicUs();
  const nodeCpu = treeCpuSeconds(server.hangar.pid());
  const postgresCpu = treeCpuSeconds(postmaster);
  for (let i = 0; i < count; i += 1) await upload.patch();
  server.cpu.node += treeCpuSeconds(server.hangar.pid()) - nodeCpu;
  server.cpu.postgres += treeCpuSeconds(postmaster) - postgresCpu;
  server.cpu.patches += count;
  server.windows.push([from, monotonicUs()]);
  const perPatch = (performance.now() - start) / count;
  await upload.close();
  return perPatch;
}

/** Statements per PATCH, by connection (application_name), from the log of a window of `count` PATCHes. */
async function countStatements(server: Server, admin: pg.Client, logFile: string, count: number) {
  const upload = await openUpload(server, count + 1);
  await upload.patch();
  const logged = await loggedStatements(admin, logFile, async () => {
    for (let i = 0; i < count; i += 1) await upload.patch();
  });
  await upload.close();
  const byKind = new Map<string, number>();
  for (const { app, text } of logged) {
    const key = `${app} | ${text.slice(0, 110)}`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
  }
  console.log(`\n${server.label}: statements per PATCH over ${count} PATCHes`);
  let total = 0;
  for (const [key, n] of [...byKind].sort((a, b) => b[1] - a[1])) {
    total += n;
    console.log(`  ${(n / count).toFixed(3).padStart(7)}  ${key}`);
  }
  console.log(`  ${(total / count).toFixed(3).padStart(7)}  in all`);
}

async function main() {
  startBenchmark();
  const postgres = await benchPostgres("bench-patch-anatomy");
  postmaster = postgres.postmaster;
  const { admin, logFile } = postgres;
  const servers: Server[] = [];
  const home = process.cwd();
  try {
    const nodeArgs = cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(cpuProf)}`] : [];
    const launch = async (label: string, cwd: string) => {
      process.chdir(cwd);
      try {
        const hangar = await launchHangar({ HANGAR_USER_QUOTA: "none" }, { nodeArgs });
        servers.push({ label, hangar, cookie: await hangar.cookie(hangar.demo), times: [], windows: [], cpu: { node: 0, postgres: 0, patches: 0 } });
      } finally {
        process.chdir(home);
      }
    };
    if (baseline) await launch("before", baseline);
    await launch(baseline ? "after" : "PostgreSQL", home);
    for (const server of servers) {
      await timedPatches(server, 100);
      server.windows = [];
      server.cpu = { node: 0, postgres: 0, patches: 0 };
    }
    for (const server of servers) await countStatements(server, admin, logFile, Math.min(patches, 200));
    for (let round = 0; round < 4; round += 1) {
      for (const server of round % 2 === 0 ? servers : [...servers].reverse()) server.times.push(await timedPatches(server, patches / 4));
    }
    console.log(`\nms per 4 KiB PATCH, ${patches} in 4 interleaved rounds (ABBA):`);
    for (const server of servers)
      console.log(`  ${server.label.padEnd(12)} ${median(server.times).toFixed(2)} ms  [${server.times.map((t) => t.toFixed(2)).join(", ")}]`);
    console.log("\nCPU ms per PATCH over the timed PATCHes (load does not inflate CPU time as it does wall time):");
    for (const server of servers) {
      const per = (seconds: number) => ((1000 * seconds) / server.cpu.patches).toFixed(2);
      console.log(`  ${server.label.padEnd(12)} node ${per(server.cpu.node)} ms   PostgreSQL ${per(server.cpu.postgres)} ms`);
    }
    if (servers.length === 2) console.log(`  after / before: ${(median(servers[1].times) / median(servers[0].times)).toFixed(2)}`);
    console.log(`load average after: ${loadAverage()}`);
    if (cpuProf) {
      const windows = Object.fromEntries(servers.map((server) => [server.hangar.pid(), server.windows]));
      fs.writeFileSync(path.join(cpuProf, "windows.json"), JSON.stringify(windows));
    }
  } finally {
    for (const server of servers) await server.hangar.close();
    await postgres.stop();
  }
}

await main();
