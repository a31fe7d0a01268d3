// The fixed cost of one tus PATCH with the upload locks on PostgreSQL (lib/cluster/upload-locker.ts: an advisory lock
// per PATCH), against the same server on SQLite (an in-process lock), and against large PATCHes in the same run:
// 200 sequential 4 KiB PATCHes give the fixed cost; 64 MiB PATCHes what a real chunk costs, of which it is a share.
//
//   npm run bench:patch-cost [-- --rounds 3]
import fs from "node:fs";
import { engineDir } from "../../lib/testing/engine-process";
import { type HangarProcess, launchHangar } from "../../lib/testing/hangar-process";
import { startPostgres } from "../../lib/testing/postgres";
import { loadAverage, startBenchmark } from "./machine";
import { median, sequentialPatchesMs } from "./upload-common";

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf("--rounds") + 1]) || 3;
const MiB = 1024 ** 2;
const LARGE = 64 * MiB;

interface Server {
  label: string;
  hangar: HangarProcess;
  cookie: string;
  small: number[];
  large: number[];
}

async function main() {
  startBenchmark();
  const dir = engineDir("bench-patch-cost");
  const postgres = await startPostgres(dir);
  const servers: Server[] = [];
  try {
    // launchHangar puts the server's database where the test database provider says: SQLite first, then PostgreSQL.
    const sqlite = await launchHangar({ HANGAR_USER_QUOTA: "none" });
    servers.push({ label: "SQLite, in-process lock", hangar: sqlite, cookie: await sqlite.cookie(sqlite.demo), small: [], large: [] });
    process.env.HANGAR_TEST_DATABASE = "postgresql";
    process.env.HANGAR_TEST_POSTGRES = postgres.url;
    const pg = await launchHangar({ HANGAR_USER_QUOTA: "none" });
    servers.push({ label: "PostgreSQL, advisory lock", hangar: pg, cookie: await pg.cookie(pg.demo), small: [], large: [] });
    // Warm-up: the first requests compile and fill the connection pools.
    for (const server of servers) await sequentialPatchesMs(server.hangar, server.cookie, { count: 50 });
    for (let round = 0; round < rounds; round += 1) {
      // ABBA: neither server always runs first.
      for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
        server.small.push(await sequentialPatchesMs(server.hangar, server.cookie, { count: 200, size: 4096 }));
        server.large.push(await sequentialPatchesMs(server.hangar, server.cookie, { count: 4, size: LARGE }));
      }
    }
    console.log(`\nms per PATCH (median of ${rounds} rounds, interleaved): 200 × 4 KiB, 4 × 64 MiB; the fixed cost as a share of a 64 MiB PATCH`);
    for (const server of servers) {
      const small = median(server.small);
      const large = median(server.large);
      console.log(
        `${server.label.padEnd(28)} 4 KiB ${small.toFixed(2).padStart(6)} ms   64 MiB ${large.toFixed(1).padStart(7)} ms   ratio ${(small / large).toFixed(4)}   [${server.small.map((value) => value.toFixed(2)).join(", ")}]`,
      );
    }
    const [onSqlite, onPostgres] = servers.map((server) => median(server.small));
    console.log(`\nPostgreSQL against SQLite, 4 KiB PATCH: ${(onPostgres / onSqlite).toFixed(2)}x; load average after: ${loadAverage()}`);
  } finally {
    for (const server of servers) await server.hangar.close();
    await postgres.engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
