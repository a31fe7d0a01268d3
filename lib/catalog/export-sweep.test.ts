import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogTestEnv, makeCatalogTestEnv } from "../testing/catalog-env";
import type { CatalogDeps } from "./deps";
import { exportsDir, prepareExport } from "./export";
import { DEFAULT_EXPORT_KEEPING, exportKeeping, sweepExports } from "./export-sweep";
import { deleteImage } from "./mutations";

// Two nodes on one database, each with its own scratch directory: a deletion on node A removes A's kept exports;
// B's go at B's own sweep, which also bounds them by age and size.
let env: CatalogTestEnv;
let nodeA: CatalogDeps;
let nodeB: CatalogDeps;
const DAY = 86_400_000;

beforeAll(async () => {
  env = await makeCatalogTestEnv();
  nodeA = { ...env.deps, scratchDir: path.join(env.dir, "node-a") };
  nodeB = { ...env.deps, scratchDir: path.join(env.dir, "node-b") };
});
afterAll(async () => {
  await env.close();
});

const storageKeyOf = async (id: string) => (await env.db.image.findUniqueOrThrow({ where: { id } })).storageKey ?? "";
const listed = (deps: CatalogDeps) => (fs.existsSync(exportsDir(deps)) ? fs.readdirSync(exportsDir(deps)).sort() : []);
const age = (file: string, ms: number) => fs.utimesSync(file, new Date(Date.now() - ms), new Date(Date.now() - ms));
const image = (name: string) => env.addImage({ owner: env.alice, name, visibility: "private", bytes: new Uint8Array(1 << 20).fill(3) });

describe("each node's sweep of its kept exports", () => {
  it("an image deleted on node A: A's exports go with it, B's at B's sweep; a live image's stay", async () => {
    const doomed = await image("doomed");
    const kept = await image("kept");
    for (const deps of [nodeA, nodeB]) for (const id of [doomed, kept]) await prepareExport(deps, await storageKeyOf(id), { format: "qcow2" });
    // A compressed QCOW2 is kept beside the plain one, and goes with it.
    for (const deps of [nodeA, nodeB]) await prepareExport(deps, await storageKeyOf(doomed), { format: "qcow2", compression: "zlib" });
    const doomedKey = await storageKeyOf(doomed);
    const keptKey = await storageKeyOf(kept);
    expect(listed(nodeB)).toEqual([`${doomedKey}.qcow2`, `${doomedKey}.qcow2-zlib`, `${keptKey}.qcow2`].sort());
    expect((await deleteImage(nodeA, env.alice, doomed)).ok).toBe(true);
    expect(listed(nodeA)).toEqual([`${keptKey}.qcow2`]);
    expect(listed(nodeB)).toContain(`${doomedKey}.qcow2`);
    const swept = await sweepExports(nodeB, DEFAULT_EXPORT_KEEPING);
    expect({ ...swept, orphaned: swept.orphaned.sort() }).toEqual({
      orphaned: [`${doomedKey}.qcow2`, `${doomedKey}.qcow2-zlib`].sort(),
      expired: [],
      evicted: [],
      partial: [],
    });
    expect(listed(nodeB)).toEqual([`${keptKey}.qcow2`]);
    // Node A has nothing of the deleted image left to sweep.
    expect(await sweepExports(nodeA, DEFAULT_EXPORT_KEEPING)).toEqual({ orphaned: [], expired: [], evicted: [], partial: [] });
  });

  it("removes an export unused for longer than the bound, and a crashed conversion's partial file", async () => {
    const old = await storageKeyOf(await image("old"));
    const fresh = await storageKeyOf(await image("fresh"));
    for (const key of [old, fresh]) await prepareExport(nodeB, key, { format: "vmdk" });
    age(path.join(exportsDir(nodeB), `${old}.vmdk`), 8 * DAY);
    const partial = path.join(exportsDir(nodeB), `${fresh}.qcow2.0123456789ab.partial`);
    const running = path.join(exportsDir(nodeB), `${old}.qcow2.ba9876543210.partial`);
    fs.writeFileSync(partial, "half");
    fs.writeFileSync(running, "being written");
    age(partial, 2 * 3_600_000);
    const swept = await sweepExports(nodeB, DEFAULT_EXPORT_KEEPING);
    expect(swept).toMatchObject({ orphaned: [], expired: [`${old}.vmdk`], evicted: [], partial: [path.basename(partial)] });
    expect(listed(nodeB)).toContain(`${fresh}.vmdk`);
    expect(listed(nodeB)).toContain(path.basename(running));
    fs.rmSync(running);
  });

  it("over the size bound, the least recently downloaded go first; a download makes an export recent again", async () => {
    fs.rmSync(exportsDir(nodeB), { recursive: true, force: true });
    const keys = [await storageKeyOf(await image("lru-1")), await storageKeyOf(await image("lru-2")), await storageKeyOf(await image("lru-3"))];
    const sizes: number[] = [];
    for (const [index, key] of keys.entries()) {
      sizes.push((await prepareExport(nodeB, key, { format: "qcow2" })).size);
      age(path.join(exportsDir(nodeB), `${key}.qcow2`), (3 - index) * DAY);
    }
    // The oldest is downloaded again: now the most recent.
    await prepareExport(nodeB, keys[0], { format: "qcow2" });
    const swept = await sweepExports(nodeB, { ...DEFAULT_EXPORT_KEEPING, maxBytes: sizes[0] + sizes[2] });
    expect(swept).toMatchObject({ orphaned: [], expired: [], evicted: [`${keys[1]}.qcow2`] });
    expect(listed(nodeB)).toEqual([`${keys[0]}.qcow2`, `${keys[2]}.qcow2`].sort());
  });

  it("a node without exports sweeps nothing", async () => {
    expect(await sweepExports({ ...env.deps, scratchDir: path.join(env.dir, "node-c") }, DEFAULT_EXPORT_KEEPING)).toEqual({
      orphaned: [],
      expired: [],
      evicted: [],
      partial: [],
    });
  });

  it("reads its bounds from the environment, and refuses a malformed one", () => {
    expect(exportKeeping({ HANGAR_EXPORT_KEEP: "2d", HANGAR_EXPORT_MAX_SIZE: "10GiB" })).toEqual({ maxAgeMs: 2 * DAY, maxBytes: 10 * 1024 ** 3 });
    expect(exportKeeping({})).toEqual(DEFAULT_EXPORT_KEEPING);
    expect(() => exportKeeping({ HANGAR_EXPORT_MAX_SIZE: "lots" })).toThrow(/HANGAR_EXPORT_MAX_SIZE/);
  });
});
