// The `hangar` command's start-up: the bundle (dist/cli/hangar as `npm run build` makes it) against
// today's `npx hangar` from a checkout (node scripts/hangar.mjs, tsx compiling the TypeScript),
// in one run, as process time (user + system CPU of the process, summed by the kernel over N runs)
// and wall time. The bundle twice: without its code cache (as its first run after an install or an
// update) and with it. `images ls` runs against the production server with the seeded catalog.
// Prints a Markdown table for docs/benchmarks.md.
//
//   npm run bench:cli [-- --runs 20]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fixtureFamily } from "../../lib/testing/fixtures";
import { startHangarServer } from "../../lib/testing/hangar-server";
import { buildCli } from "../build-cli";

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1]) || 20;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-cli-"));

interface Timing {
  /** User + system CPU per run, in ms. */
  cpu: number;
  /** Wall time per run, in ms. */
  wall: number;
}

/** Runs `argv` `runs` times in a row from bash, whose `times` reports the CPU its children used. */
function measure(argv: string[], env: Record<string, string>, runs: number): Timing {
  const script = `for ((i = 0; i < ${runs}; i++)); do "$@" >/dev/null 2>&1 || exit 99; done; times`;
  const started = performance.now();
  const result = spawnSync("bash", ["-c", script, "bench", ...argv], { env: { ...process.env, ...env }, encoding: "utf8" });
  const wall = (performance.now() - started) / runs;
  if (result.status !== 0) throw new Error(`${argv.join(" ")} failed: ${result.stderr}`);
  // The second line of `times` is the children's user and system time, as 0m1.234s 0m0.056s.
  const children = result.stdout.trim().split("\n").at(-1) ?? "";
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((match) => Number(match[1]) * 60 + Number(match[2]));
  return { cpu: (((seconds[0] ?? 0) + (seconds[1] ?? 0)) * 1000) / runs, wall };
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

if (!fs.existsSync(".next/BUILD_ID")) throw new Error("The benchmark runs `images ls` against the production build: run `npm run build` first.");
const guests = fixtureFamily("guests");
if (guests.skipped) throw new Error(`fixtures not built: ${guests.skipped}`);
const { file: bundle, size } = await buildCli(path.join(scratch, "hangar"));
const server = await startHangarServer();
const token = (await server.token(server.demo, { name: "bench" })).secret;
const cacheDir = path.join(scratch, "cache");
const fixture = guests.file("debian12-gpt-ext4.qcow2");

const commands: { label: string; args: string[]; runs: number }[] = [
  { label: "hangar --help", args: ["--help"], runs: RUNS },
  { label: "hangar images ls", args: ["images", "ls"], runs: RUNS },
  { label: `hangar inspect ${path.basename(fixture)} (2.2 MiB, guest checks)`, args: ["inspect", fixture], runs: Math.ceil(RUNS / 2) },
];
const env = { HANGAR_URL: server.url, HANGAR_TOKEN: token, XDG_CACHE_HOME: cacheDir };

const rows: string[] = [];
try {
  // `node` first: the floor every variant pays.
  const bare = measure([process.execPath, "-e", "0"], {}, RUNS);
  rows.push(`| node -e 0 (Node.js ${process.version} alone) | ${ms(bare.cpu)} | | | | ${ms(bare.wall)} | | |`);
  for (const command of commands) {
    const tsx = measure([process.execPath, "scripts/hangar.mjs", ...command.args], env, Math.ceil(command.runs / 2));
    const cold = measure([process.execPath, bundle, ...command.args], { ...env, NODE_DISABLE_COMPILE_CACHE: "1" }, command.runs);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    // One run writes the code cache, then the measured runs read it.
    measure([process.execPath, bundle, ...command.args], env, 1);
    const warm = measure([process.execPath, bundle, ...command.args], env, command.runs);
    rows.push(
      `| ${command.label} | ${ms(tsx.cpu)} | ${ms(cold.cpu)} | ${ms(warm.cpu)} | ${(warm.cpu / tsx.cpu).toFixed(2)}x | ${ms(tsx.wall)} | ${ms(cold.wall)} | ${ms(warm.wall)} |`,
    );
  }
} finally {
  await server.close();
  fs.rmSync(scratch, { recursive: true, force: true });
}

console.log(
  `\nBundle: ${(size / 1024).toFixed(0)} KiB; ${RUNS} runs each (${Math.ceil(RUNS / 2)} for inspect and for tsx); ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1)}\n`,
);
console.log("| command | process time: tsx | bundle, first run | bundle | bundle / tsx | wall: tsx | bundle, first run | bundle |");
console.log("|---|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
