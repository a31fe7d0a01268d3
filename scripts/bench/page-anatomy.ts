// What one render of the /images page and one GET /api/v1/images cost the server, counted rather than timed (load
// does not distort counts): the SQL statements PostgreSQL receives per request (log_statement = all over a window
// of requests), the CPU the server and PostgreSQL use per request, and optionally where the server's CPU goes (a
// CPU profile cut to the timed requests, by module).
//
//   npx tsx scripts/bench/page-anatomy.ts [--images 10000] [--requests 200] [--cpu-prof DIR] [--baseline DIR]
//
// --baseline DIR runs a second server from another checkout (its own .next build) beside this one, on a database
// seeded alike, the requests interleaved (ABBA): before and after a change in one run.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { createToken } from "../../lib/auth/tokens";
import { type HangarProcess, launchHangar } from "../../lib/testing/hangar-process";
import { seedPlatformImages } from "./catalog-seed";
import { benchPostgres, loggedStatements } from "./statement-log";
import { loadAverage, startBenchmark } from "./machine";
import { median, treeCpuSeconds } from "./upload-common";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const images = Number(option("--images")) || 10_000;
const requests = Number(option("--requests")) || 200;
const cpuProf = option("--cpu-prof");
const baseline = option("--baseline");

interface Server {
  label: string;
  hangar: HangarProcess;
  headers: { page: Record<string, string>; api: Record<string, string> };
  /** The timed requests of each case, in the order of CASES. */
  timed: Timed[];
}

const CASES = [
  { label: "/images page", path: "/images", page: true },
  { label: "API list, page 1", path: "/api/v1/images?scope=platform", page: false },
  { label: "API search (one match)", path: `/api/v1/images?scope=platform&q=image-${String(Math.floor(images / 2)).padStart(7, "0")}`, page: false },
];
type Case = (typeof CASES)[number];

async function send(server: Server, { path: url, page }: Case): Promise<void> {
  const answer = await fetch(`${server.hangar.url}${url}`, { headers: page ? server.headers.page : server.headers.api });
  await answer.arrayBuffer();
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
}

/** PostgreSQL's postmaster, whose children are the backends: the first line of its pid file. */
let postmaster = 0;

/** Statements per request, by text, from the log of `count` requests. */
async function countStatements(server: Server, which: Case, admin: pg.Client, logFile: string, count: number): Promise<string[]> {
  const byText = new Map<string, number>();
  const logged = await loggedStatements(admin, logFile, async () => {
    for (let i = 0; i < count; i += 1) await send(server, which);
  });
  for (const { text } of logged) byText.set(text.slice(0, 120), (byText.get(text.slice(0, 120)) ?? 0) + 1);
  const total = [...byText.values()].reduce((sum, n) => sum + n, 0);
  return [
    `${server.label}, ${which.label}: ${(total / count).toFixed(2)} statements per request over ${count}`,
    ...[...byText].sort((a, b) => b[1] - a[1]).map(([text, n]) => `  ${(n / count).toFixed(2).padStart(6)}  ${text}`),
  ];
}

interface Timed {
  times: number[];
  node: number;
  postgres: number;
  count: number;
  /** When the timed requests ran (µs of the monotonic clock, the CPU profile's), to cut the profile to them. */
  windows: [number, number][];
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function timeRequests(server: Server, which: Case, count: number, into: Timed): Promise<void> {
  const nodeCpu = treeCpuSeconds(server.hangar.pid());
  const postgresCpu = treeCpuSeconds(postmaster);
  const from = monotonicUs();
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    await send(server, which);
    into.times.push(performance.now() - start);
  }
  into.windows.push([from, monotonicUs()]);
  into.node += treeCpuSeconds(server.hangar.pid()) - nodeCpu;
  into.postgres += treeCpuSeconds(postmaster) - postgresCpu;
  into.count += count;
}

/** Where a profile sample's own time goes, by the script it runs in. */
const BUCKETS: [string, (url: string, name: string) => boolean][] = [
  ["garbage collection", (_, name) => name === "(garbage collector)"],
  ["V8 native, unattributed ((program))", (_, name) => name === "(program)"],
  ["Prisma query compiler (WASM)", (url) => url.startsWith("wasm://") || url.includes("query_compiler")],
  ["Prisma client runtime", (url) => url.includes("@prisma/client") || url.includes("/lib/db/generated")],
  ["pg driver", (url) => /node_modules\/pg(-[a-z]+)?\//.test(url)],
  ["React / Next renderer", (url) => url.includes("next/dist/compiled") || url.includes("react-dom") || url.includes("react-server")],
  ["Next server", (url) => url.includes("next/dist")],
  ["app bundle (.next/server)", (url) => url.includes(".next/server")],
  ["Hangar lib/ (outside the bundle)", (url) => url.includes("/lib/")],
  ["Node internals", (url) => url.startsWith("node:") || url === ""],
];

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** CPU ms per request by bucket, from the profiles the server `pid` wrote, over the windows of `count` requests. */
function profileBuckets(dir: string, pid: number, windows: [number, number][], count: number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const file of fs.readdirSync(dir).filter((name) => name.includes(`.${pid}.`) && name.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Profile;
    const bucketOf = new Map(
      profile.nodes.map((node) => {
        const { url, functionName } = node.callFrame;
        if (functionName === "(idle)") return [node.id, null];
        return [node.id, BUCKETS.find(([, test]) => test(url, functionName))?.[0] ?? "other"];
      }),
    );
    let time = profile.startTime;
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      time += delta;
      const bucket = bucketOf.get(id);
      if (!bucket || !windows.some(([from, to]) => time >= from && time <= to)) return;
      totals.set(bucket, (totals.get(bucket) ?? 0) + delta / 1000 / count);
    });
  }
  return totals;
}

async function main() {
  startBenchmark();
  const postgres = await benchPostgres("bench-page-anatomy");
  postmaster = postgres.postmaster;
  const { admin, logFile } = postgres;
  const servers: Server[] = [];
  const home = process.cwd();
  const report: string[] = [];
  try {
    const nodeArgs = cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(cpuProf)}`] : [];
    const launch = async (label: string, cwd: string) => {
      process.chdir(cwd);
      try {
        const hangar = await launchHangar({}, { nodeArgs });
        await seedPlatformImages(hangar, images);
        const token = await createToken(hangar.db, hangar.demo, { name: "bench", expiresInDays: null });
        if (!token.ok) throw new Error(token.error.message);
        const headers = { page: { cookie: await hangar.cookie(hangar.demo) }, api: { authorization: `Bearer ${token.value.secret}` } };
        servers.push({ label, hangar, headers, timed: CASES.map(() => ({ times: [], node: 0, postgres: 0, count: 0, windows: [] })) });
      } finally {
        process.chdir(home);
      }
    };
    if (baseline) await launch("before", baseline);
    await launch(baseline ? "after" : "PostgreSQL", home);
    // Warm: the first requests compile routes and fill caches; the seeded examples' validations settle.
    for (const server of servers) for (const which of CASES) for (let i = 0; i < 30; i += 1) await send(server, which);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const which of CASES) for (const server of servers) report.push(...(await countStatements(server, which, admin, logFile, 20)), "");
    for (const [c, which] of CASES.entries()) {
      for (let round = 0; round < 4; round += 1) {
        for (const server of round % 2 === 0 ? servers : [...servers].reverse()) await timeRequests(server, which, requests / 4, server.timed[c]);
      }
    }
    report.push(`${requests} requests per case and server in 4 interleaved rounds (ABBA); ${images.toLocaleString("en")} images`);
    for (const [c, which] of CASES.entries()) {
      for (const server of servers) {
        const t = server.timed[c];
        const per = (seconds: number) => ((1000 * seconds) / t.count).toFixed(2);
        report.push(
          `  ${which.label.padEnd(24)} ${server.label.padEnd(10)} median ${median(t.times).toFixed(1)} ms   CPU per request: node ${per(t.node)} ms, PostgreSQL ${per(t.postgres)} ms`,
        );
      }
    }
    report.push(`load average after: ${loadAverage()}`);
  } finally {
    for (const server of servers) await server.hangar.close();
    await postgres.stop();
  }
  console.log(report.join("\n"));
  if (!cpuProf) return;
  // The servers wrote their profiles as they exited.
  console.log("\nCPU profile: ms of the server's main thread per request, by module (sampled, over the timed requests)");
  for (const [c, which] of CASES.entries()) {
    for (const server of servers) {
      const t = server.timed[c];
      const buckets = profileBuckets(path.resolve(cpuProf), server.hangar.pid(), t.windows, t.count);
      const total = [...buckets.values()].reduce((sum, ms) => sum + ms, 0);
      console.log(`  ${which.label}, ${server.label}: ${total.toFixed(2)} ms`);
      for (const [bucket, ms] of [...buckets].sort((a, b) => b[1] - a[1])) console.log(`    ${ms.toFixed(2).padStart(6)} ms  ${bucket}`);
    }
  }
}

await main();
