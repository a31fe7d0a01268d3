// Listing, search and paging at 10,000 images versus 100, in one process: the ratio shows whether
// the indexes keep a page's cost flat as the catalog grows.
import { performance } from "node:perf_hooks";
import { nameColumns } from "../../lib/catalog/image-name";
import { listImages } from "../../lib/catalog/queries";
import { SORT_KEYS } from "../../lib/catalog/image";
import { listQuerySchema } from "../../lib/catalog/schemas";
import { makeCatalogTestEnv } from "../../lib/testing/catalog-env";
import { ensurePersonalProject } from "../../lib/projects/personal";

async function catalogOf(size: number) {
  const env = await makeCatalogTestEnv();
  const aliceProject = (await ensurePersonalProject(env.db, env.alice)).id;
  const rows = Array.from({ length: size }, (_, i) => {
    const [visibility, createdById, projectId] = i % 2 === 0 ? (["platform", env.admin.id, null] as const) : (["private", env.alice.id, aliceProject] as const);
    return {
      ...nameColumns(`image-${String(i).padStart(6, "0")}`, visibility, projectId),
      visibility,
      projectId,
      createdById,
      status: "ready",
      diskFormat: ["qcow2", "raw", "vmdk"][i % 3],
      fileSize: BigInt((i * 7919) % 100_000),
      minMemoryMiB: 512 * (1 + (i % 8)),
      osDistro: ["debian", "ubuntu", "rhel"][i % 3],
    };
  });
  for (let i = 0; i < rows.length; i += 500) await env.db.image.createMany({ data: rows.slice(i, i + 500) });
  return env;
}

async function timeMs(run: () => Promise<unknown>, repeat = 30): Promise<number> {
  for (let i = 0; i < 3; i += 1) await run();
  const start = performance.now();
  for (let i = 0; i < repeat; i += 1) await run();
  return (performance.now() - start) / repeat;
}

const small = await catalogOf(100);
const large = await catalogOf(10_000);
console.log("case                              100 images   10,000 images   ratio");
for (const sort of SORT_KEYS) {
  for (const page of [1, 200]) {
    const query = listQuerySchema.parse({ sort, dir: "desc", page: String(page), pageSize: "25" });
    const a = await timeMs(() => listImages(small.deps, small.alice, "platform", { ...query, page: 1 }));
    const b = await timeMs(() => listImages(large.deps, large.alice, "platform", query));
    console.log(
      `sort=${sort.padEnd(8)} page=${String(page).padEnd(4)}         ${a.toFixed(2).padStart(7)} ms   ${b.toFixed(2).padStart(10)} ms   ${(b / a).toFixed(2)}x`,
    );
  }
}
const search = listQuerySchema.parse({ q: "image-0042" });
const a = await timeMs(() => listImages(small.deps, small.alice, "platform", search));
const b = await timeMs(() => listImages(large.deps, large.alice, "platform", search));
console.log(`search "image-0042"                ${a.toFixed(2).padStart(7)} ms   ${b.toFixed(2).padStart(10)} ms   ${(b / a).toFixed(2)}x`);
await small.close();
await large.close();
