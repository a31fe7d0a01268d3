// Import throughput: Hangar's import (lib/imports: the SSRF-guarded client, the file written and
// hashed as it arrives, the hand-over to the upload finish) against `curl -o` of the same file from
// the same loopback server, interleaved in one run so that the ratio holds on a shared machine.
// Beside the wall time, the CPU each side used (curl's from its rusage, the import's process's own,
// hashing worker and thread pool included; the mirror's from /proc), which a loaded machine distorts less.
//
//   npm run bench:import [-- --size 512] [-- --rounds 3]   (size in MiB)
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { validationsSettled } from "../../lib/catalog/validation";
import { allowlistSchema, DEFAULT_IMPORT_CONFIG } from "../../lib/imports/config";
import { startImport } from "../../lib/imports/create";
import type { ImportDeps } from "../../lib/imports/deps";
import { runImport } from "../../lib/imports/run";
import { makeUploadTestEnv } from "../../lib/testing/upload-env";
import { median } from "./upload-common";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const MiB = 1024 ** 2;
const size = option("--size", 512) * MiB;
const rounds = option("--rounds", 3);

async function main() {
  const env = await makeUploadTestEnv({ userQuota: null });
  const served = path.join(env.dir, "served");
  fs.mkdirSync(served);
  const file = path.join(served, "bench.raw");
  // Random bytes: nothing to gain from compression or sparseness on either side.
  const out = fs.openSync(file, "w");
  for (let written = 0; written < size; written += 64 * MiB) fs.writeSync(out, randomBytes(Math.min(64 * MiB, size - written)));
  fs.closeSync(out);
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest("hex");

  // The server in its own process, as a mirror would be: it does not share the import's event loop.
  const server = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `
    import("./lib/imports/testing/fixture-server.ts").then(async ({ startFixtureServer }) => {
      const s = await startFixtureServer(${JSON.stringify(served)});
      console.log(s.base);
    });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const base = await new Promise<string>((resolve) => server.stdout.once("data", (data: Buffer) => resolve(data.toString().trim())));
  const url = `${base}/bench.raw`;
  const deps: ImportDeps = {
    ...env.uploads,
    downloadDir: path.join(env.dir, "imports"),
    imports: { ...DEFAULT_IMPORT_CONFIG, allow: allowlistSchema.parse("127.0.0.1/32") },
  };

  // The mirror's CPU seconds so far (utime + stime, in clock ticks of 10 ms).
  const mirrorCpu = () => {
    const fields = fs.readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const cpu = { curl: [] as number[], plain: [] as number[], checked: [] as number[] };
  const mirror = { curl: [] as number[], plain: [] as number[], checked: [] as number[] };
  const user = { curl: [] as number[], plain: [] as number[], checked: [] as number[] };
  const cpuOf = (times: string) =>
    times.match(/\d+m[\d.]+s/g)?.reduce((sum, value) => sum + Number(value.split("m")[0]) * 60 + parseFloat(value.split("m")[1]), 0) ?? NaN;

  // Each run starts with no dirty pages of the one before: otherwise the kernel's writeback throttles whichever comes next.
  const settleDisk = () => execFileSync("sync");
  const curl = () => {
    const target = path.join(env.dir, "curl.raw");
    settleDisk();
    const mirrorBefore = mirrorCpu();
    const started = performance.now();
    // bash's `times`: its children's user and system time, curl's alone.
    const run = spawnSync("bash", ["-c", `curl -sS -o "$1" "$2" && times`, "bash", target, url], { encoding: "utf8" });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(run.stderr);
    const [curlUser, curlSystem] = run.stdout.trim().split("\n")[1].split(" ").map(cpuOf);
    cpu.curl.push(curlUser + curlSystem);
    user.curl.push(curlUser);
    mirror.curl.push(mirrorCpu() - mirrorBefore);
    fs.rmSync(target);
    return seconds;
  };
  const hangar = async (round: number, withChecksum: boolean) => {
    settleDisk();
    const mirrorBefore = mirrorCpu();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await startImport(deps, env.alice, {
      url,
      name: `bench ${round} ${withChecksum}`,
      ...(withChecksum ? { checksum: `sha256:${sha256}` } : {}),
    });
    if (!result.ok) throw new Error(result.error.message);
    // Until the file is handed to the upload finish (validation is the upload's, and measured by bench:validation).
    // The import's own end is awaited (runImport answers the running one's): polling its row every 20 ms
    // in this process took a CPU-second per import from the event loop it measures.
    await runImport(deps, result.value.id);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    if (round >= 0) {
      cpu[withChecksum ? "checked" : "plain"].push((used.user + used.system) / 1e6);
      user[withChecksum ? "checked" : "plain"].push(used.user / 1e6);
      mirror[withChecksum ? "checked" : "plain"].push(mirrorCpu() - mirrorBefore);
    }
    const row = await env.db.imageImport.findUniqueOrThrow({ where: { id: result.value.id } });
    if (row.status !== "done") throw new Error(row.message ?? row.status);
    await validationsSettled();
    await env.db.image.deleteMany({});
    const images = path.join(env.dir, "images");
    for (const name of fs.readdirSync(images)) fs.rmSync(path.join(images, name), { recursive: true, force: true });
    return seconds;
  };

  process.on("exit", () => server.kill());
  const samples = { curl: [] as number[], plain: [] as number[], checked: [] as number[] };
  await hangar(-1, false); // warm-up: module loading, the first connection
  for (let round = 0; round < rounds; round++) {
    samples.curl.push(curl());
    samples.plain.push(await hangar(round, false));
    samples.checked.push(await hangar(round, true));
  }
  const mbps = (seconds: number) => (size / MiB / seconds).toFixed(0);
  const curlTime = median(samples.curl);
  console.log(`import of ${size / MiB} MiB from a loopback HTTP server, median of ${rounds} rounds`);
  console.log(`  curl -o                    ${curlTime.toFixed(2)} s  ${mbps(curlTime)} MiB/s`);
  for (const [name, label] of [
    ["plain", "hangar import"],
    ["checked", "hangar import --sha256"],
  ] as const) {
    const time = median(samples[name]);
    console.log(`  ${label.padEnd(26)} ${time.toFixed(2)} s  ${mbps(time)} MiB/s  ratio ${(curlTime / time).toFixed(2)} of curl`);
  }
  console.log("  rounds (s):");
  for (const [name, values] of Object.entries(samples)) console.log(`    ${name.padEnd(8)} ${values.map((value) => value.toFixed(2)).join("  ")}`);
  console.log("  CPU seconds, median (client, of which user / mirror):");
  for (const name of ["curl", "plain", "checked"] as const)
    console.log(
      `    ${name.padEnd(8)} ${median(cpu[name]).toFixed(2)}, ${median(user[name]).toFixed(2)} / ${median(mirror[name]).toFixed(2)}   rounds: ${cpu[name].map((value) => value.toFixed(2)).join("  ")}`,
    );
  server.kill();
  await env.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
