// The catalog's list and search on PostgreSQL at 1,000,000 images against the same requests at 10,000, through the
// production server (GET /api/v1/images and the /images page), p50 and p95 of sequential requests, interleaved. The
// catalogs are seeded in SQL (generate_series), not through Prisma row by row.
//
//   npm run bench:catalog-postgres [-- --large 1000000] [-- --requests 200]
import fs from "node:fs";
import { createToken } from "../../lib/auth/tokens";
import { engineDir } from "../../lib/testing/engine-process";
import { type HangarProcess, launchHangar } from "../../lib/testing/hangar-process";
import { startPostgres } from "../../lib/testing/postgres";
import { seedPlatformImages } from "./catalog-seed";
import { loadAverage, startBenchmark } from "./machine";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const LARGE = option("--large", 1_000_000);
const SMALL = 10_000;
const REQUESTS = option("--requests", 200);

interface Catalog {
  size: number;
  hangar: HangarProcess;
  token: string;
  cookie: string;
}

/** The requests measured: the API's list (first page, a deep page, by date), a search, and the page a person opens. */
const CASES: { label: string; path: (catalog: Catalog) => string; page?: boolean }[] = [
  { label: "API list, page 1", path: () => "/api/v1/images?scope=platform" },
  { label: "API list, page 200", path: () => "/api/v1/images?scope=platform&page=200" },
  { label: "API list by date, page 1", path: () => "/api/v1/images?scope=platform&sort=updated&dir=desc" },
  { label: "API search (one match)", path: (catalog) => `/api/v1/images?scope=platform&q=image-${String(Math.floor(catalog.size / 2)).padStart(7, "0")}` },
  { label: "API search (many matches)", path: () => "/api/v1/images?scope=platform&q=image-00042" },
  { label: "/images page", path: () => "/images", page: true },
];

async function timeRequests(catalog: Catalog, path: string, page: boolean, count: number): Promise<number[]> {
  const headers: Record<string, string> = page ? { cookie: catalog.cookie } : { authorization: `Bearer ${catalog.token}` };
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = performance.now();
    const answer = await fetch(`${catalog.hangar.url}${path}`, { headers });
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
    times.push(performance.now() - start);
  }
  return times;
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;

async function main() {
  startBenchmark();
  const dir = engineDir("bench-catalog-postgres");
  const postgres = await startPostgres(dir);
  process.env.HANGAR_TEST_DATABASE = "postgresql";
  process.env.HANGAR_TEST_POSTGRES = postgres.url;
  const catalogs: Catalog[] = [];
  try {
    for (const size of [SMALL, LARGE]) {
      const hangar = await launchHangar();
      const started = performance.now();
      await seedPlatformImages(hangar, size);
      console.log(`seeded ${size.toLocaleString("en")} images in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const token = await createToken(hangar.db, hangar.demo, { name: "bench", expiresInDays: null });
      if (!token.ok) throw new Error(token.error.message);
      catalogs.push({ size, hangar, token: token.value.secret, cookie: await hangar.cookie(hangar.demo) });
    }
    console.log(`\nms per request, ${REQUESTS} sequential requests per case and catalog, in halves interleaved (ABBA)`);
    console.log(`${"case".padEnd(28)} ${"10k p50".padStart(9)} ${"10k p95".padStart(9)} ${"1M p50".padStart(9)} ${"1M p95".padStart(9)}   p95 ratio`);
    for (const { label, path, page = false } of CASES) {
      for (const catalog of catalogs) await timeRequests(catalog, path(catalog), page, 10);
      const samples = catalogs.map(() => [] as number[]);
      for (const order of [0, 1]) {
        for (const index of order === 0 ? [0, 1] : [1, 0]) {
          const catalog = catalogs[index];
          samples[index]?.push(...(await timeRequests(catalog, path(catalog), page, REQUESTS / 2)));
        }
      }
      const [small = [], large = []] = samples;
      const cells = [quantile(small, 0.5), quantile(small, 0.95), quantile(large, 0.5), quantile(large, 0.95)].map((value) => value.toFixed(1).padStart(9));
      console.log(`${label.padEnd(28)} ${cells.join(" ")}   ${(quantile(large, 0.95) / quantile(small, 0.95)).toFixed(2)}x`);
    }
    console.log(`\nload average after: ${loadAverage()}`);
  } finally {
    for (const catalog of catalogs) await catalog.hangar.close();
    await postgres.engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
