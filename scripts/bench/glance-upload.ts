// Uploading through the Glance API against uploading with Hangar's own CLI: `openstack image create --file` (Debian's
// python3-openstackclient, admin_token mode against HANGAR_GLANCE_PORT) and `hangar upload` (the CLI bundle, tus)
// of the same file to the same production server, alternating, in one run; each timed from the command's start to its
// exit (the 204 of the data's PUT; the CLI's last PATCH and its hash check). The server's own time per upload is read
// from its access log (HANGAR_LOG_FORMAT=json: the PUT's line, the PATCHes' lines), which separates what the server
// spends from what each client spends around it. Validation runs after either, the same, and is waited out between runs.
//
//   npm run bench:glance-upload [-- --rounds 5] [-- --quick]
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../lib/testing/hangar-process";
import { startHangarServer } from "../../lib/testing/hangar-server";
import { buildCli } from "../build-cli";
import { clearImages, median, settle, sourceFile, treeCpuSeconds } from "./upload-common";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 5;
const MiB = 1024 ** 2;
const SIZE = quick ? 128 * MiB : 1024 * MiB;
const OPENSTACK = "/usr/bin/openstack";

if (!fs.existsSync(".next/BUILD_ID")) throw new Error("The benchmark runs against the production build: run `npm run build` first.");
if (!fs.existsSync(OPENSTACK)) throw new Error("python3-openstackclient is not installed: apt-get install python3-openstackclient");

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bench-glance-"));
// Random bytes as a raw disk: nothing to convert, and both commands send it as it is. The CLI's local check would
// refuse a disk with no system on it before sending a byte (openstack has none): --no-precheck, the server's
// validation being the same for both.
const file = sourceFile(scratch, SIZE);
const { file: bundle } = await buildCli(path.join(scratch, "hangar"));
const glancePort = await freePort();
const server = await startHangarServer({ HANGAR_GLANCE_PORT: String(glancePort), HANGAR_LOG_FORMAT: "json" });
const token = (await server.token(server.demo, { name: "bench" })).secret;
// Without OS_* from the caller's shell, which would switch openstack to another cloud.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OS_"))) as NodeJS.ProcessEnv;

function run(command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(command, argv, { env, maxBuffer: 16 << 20 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${path.basename(command)} failed: ${stderr}`)) : resolve((performance.now() - started) / 1000),
    ),
  );
}

const clients = {
  openstack: (name: string) =>
    run(
      OPENSTACK,
      [
        ...["--os-auth-type", "admin_token", "--os-endpoint", `http://127.0.0.1:${glancePort}/v2`, "--os-token", token],
        ...["image", "create", "--file", file, "--disk-format", "raw", "--container-format", "bare", name],
      ],
      { ...cleanEnv, HOME: scratch },
    ),
  hangar: (name: string) =>
    run(process.execPath, [bundle, "upload", file, "--name", name, "--no-precheck"], {
      ...cleanEnv,
      HOME: scratch,
      XDG_STATE_HOME: path.join(scratch, "state"),
      HANGAR_URL: server.url,
      HANGAR_TOKEN: token,
    }),
};
type Client = keyof typeof clients;

type Line = { msg?: string; method?: string; path?: string; ms?: number };
/** The server's seconds, from its access log since `from` (the log's length before the run): on the data requests, and on the others. */
function serverSeconds(client: Client, from: number): { data: number; other: number } {
  const lines = server
    .log()
    .slice(from)
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Line)
    .filter((line) => line.msg === (client === "openstack" ? "glance request" : "request"));
  const isData = (line: Line) =>
    client === "openstack" ? line.method === "PUT" && line.path?.endsWith("/file") : line.method === "PATCH" && line.path?.startsWith("/api/v1/uploads/");
  const sum = (selected: Line[]) => selected.reduce((total, line) => total + (line.ms ?? 0), 0) / 1000;
  return { data: sum(lines.filter(isData)), other: sum(lines.filter((line) => !isData(line))) };
}

/** Each command's start-up and exit alone (`--version`): what it costs before its first request, whatever the file. */
const startup: Record<Client, () => Promise<number>> = {
  openstack: () => run(OPENSTACK, ["--version"], { ...cleanEnv, HOME: scratch }),
  hangar: () => run(process.execPath, [bundle, "--version"], { ...cleanEnv, HOME: scratch }),
};

const times: Record<Client, { total: number; data: number; other: number; cpu: number; startup: number }[]> = { openstack: [], hangar: [] };
const ratios: number[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    // Alternating who goes first, so that neither always follows the other's validation or page-cache state.
    const order: Client[] = round % 2 === 0 ? ["hangar", "openstack"] : ["openstack", "hangar"];
    const taken = {} as Record<Client, number>;
    for (const client of order) {
      await clearImages(server);
      await settle();
      const from = server.log().length;
      const cpu = treeCpuSeconds(server.pid());
      const name = `bench-${client}-${round}`;
      const total = await clients[client](name);
      // Every byte arrived, whichever way: a run that sent less would not be a measurement.
      const image = await server.db.image.findFirst({ where: { name, createdById: server.demo.id } });
      if (image?.fileSize !== BigInt(SIZE)) throw new Error(`${name} holds ${String(image?.fileSize)} bytes, not ${SIZE}.`);
      taken[client] = total;
      // The server's CPU for the whole command (validation waited out before, started after): what it costs, whatever the load.
      const used = treeCpuSeconds(server.pid()) - cpu;
      times[client].push({ total, ...serverSeconds(client, from), cpu: used, startup: await startup[client]() });
    }
    ratios.push(taken.hangar / taken.openstack);
    console.error(`round ${round + 1}/${rounds}: hangar ${taken.hangar.toFixed(2)} s, openstack ${taken.openstack.toFixed(2)} s`);
  }
  await clearImages(server);
} finally {
  await server.close();
  fs.rmSync(scratch, { recursive: true, force: true });
}

const seconds = (value: number) => `${value.toFixed(2)} s`;
const row = (label: string, client: Client) => {
  const of = (key: "total" | "data" | "other" | "cpu" | "startup") => median(times[client].map((sample) => sample[key]));
  const total = of("total");
  return `| ${label} | ${seconds(total)} | ${((SIZE / MiB / total) * 1.048576).toFixed(0)} MB/s | ${seconds(of("data"))} | ${seconds(of("other"))} | ${seconds(of("cpu"))} | ${seconds(of("startup"))} |`;
};
console.log(`\n${SIZE / MiB} MiB raw, ${rounds} rounds alternating; ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1)}\n`);
console.log(
  "| client | command, start to exit (median) | throughput | server: data requests | server: other requests | server: CPU | the command's start-up alone (--version) |",
);
console.log("|---|---|---|---|---|---|---|");
console.log(row("hangar upload --no-precheck (tus)", "hangar"));
console.log(row("openstack image create --file (Glance PUT)", "openstack"));
console.log(`\nRatio hangar / openstack (median of the rounds' ratios; 1 = as fast, goal >= 0.9): ${median(ratios).toFixed(2)}`);
