import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HangarProcess, launchHangar } from "../testing/hangar-process";

// One instance of each module of lib/ in the production server (docs/decisions.md, "One module instance per
// process"): Next must not bundle lib/ into its server output, where each entry and layer would get a copy, and
// Node must evaluate each file once however it is reached (Hangar's server, pages, actions, route handlers).

const root = path.resolve(import.meta.dirname, "../..");

interface SourceMap {
  sources?: string[];
  sourceRoot?: string;
  /** An index map (Turbopack's) is made of sections, each a map of its own. */
  sections?: { map: SourceMap }[];
}

/** The files of the project a server output file holds, by its source map, relative to the project ("lib/db/client.ts"). */
function bundledModules(mapFile: string): string[] {
  const sources = (map: SourceMap): string[] => [
    ...(map.sources ?? []).map((source) => (map.sourceRoot ?? "") + source),
    ...(map.sections ?? []).flatMap((section) => sources(section.map)),
  ];
  return sources(JSON.parse(fs.readFileSync(mapFile, "utf8")) as SourceMap).flatMap((encoded) => {
    const source = decodeURI(encoded);
    // webpack names sources from the project ("webpack://hangar/./lib/…", externals as "webpack://hangar/external …"),
    // Turbopack relative to the map ("../../lib/…", URL-encoded).
    const webpack = /^webpack:\/\/[^/]*\/(.*)$/.exec(source);
    if (webpack?.[1]?.startsWith("external ")) return [];
    const file = webpack ? path.resolve(root, webpack[1]) : path.resolve(path.dirname(mapFile), source.replace(/^turbopack:\/\/\/\[project\]\//, `${root}/`));
    const relative = path.relative(root, file.split("?")[0] ?? "");
    return relative.startsWith("..") || relative.startsWith("node_modules") ? [] : [relative];
  });
}

/** The source map a server output file names in its last line (middleware.js names proxy.js.map), if it exists. */
function sourceMapOf(file: string): string | undefined {
  const named = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(file, "utf8"))?.[1];
  const map = named === undefined ? undefined : path.resolve(path.dirname(file), named);
  return map !== undefined && fs.existsSync(map) ? map : undefined;
}

function serverOutput(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).map((name) => path.join(dir, name));
}

describe("the server build", () => {
  it("bundles no module of lib/: Next's server output imports lib/ from Node instead", () => {
    const files = serverOutput(path.join(root, ".next/server"));
    const code = files.filter((file) => file.endsWith(".js") && !file.endsWith("manifest.js"));
    expect(code.length).toBeGreaterThan(10);
    // Source maps (experimental.serverSourceMaps) say which modules each output file holds.
    const maps = code.map((file) => ({ file, map: sourceMapOf(file) }));
    expect(maps.filter(({ map }) => map === undefined).map(({ file }) => file)).toEqual([]);
    const bundled = new Map<string, string[]>();
    for (const { file, map } of maps) {
      if (map === undefined) continue;
      for (const module of bundledModules(map)) bundled.set(module, [...(bundled.get(module) ?? []), path.relative(root, file)]);
    }
    // The maps do name the app's own modules, so an absent lib/ is not an unreadable map.
    expect([...bundled.keys()]).toContain("app/(portal)/images/page.tsx");
    expect([...bundled].filter(([module]) => module.startsWith("lib/"))).toEqual([]);
  });
});

describe("the running production server", () => {
  const census = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hangar-census-")), "modules.txt");
  let hangar: HangarProcess;
  beforeAll(async () => {
    hangar = await launchHangar({ HANGAR_MODULE_CENSUS: census }, { nodeArgs: ["--import", path.join(root, "lib/testing/module-census.mjs")] });
  });
  afterAll(async () => {
    await hangar.close();
    fs.rmSync(path.dirname(census), { recursive: true, force: true });
  });

  /** Calls a server action as the browser does: a POST to a page naming the action by its id. */
  async function callAction(name: string, args: unknown[], cookie: string): Promise<Response> {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, ".next/server/server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { exportedName: string }>;
    };
    const id = Object.entries(manifest.node).find(([, action]) => action.exportedName === name)?.[0];
    if (!id) throw new Error(`no server action named ${name} in the build`);
    return fetch(`${hangar.url}/images`, {
      method: "POST",
      headers: { cookie, "next-action": id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
      body: JSON.stringify(args),
    });
  }

  it("evaluates each module of lib/ once, whichever of pages, actions, route handlers, raw routes and jobs reaches it", async () => {
    const cookie = await hangar.cookie(hangar.demo);
    // Pages and route handlers, signed in.
    expect((await fetch(`${hangar.url}/images`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${hangar.url}/settings`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${hangar.url}/api/v1/images`, { headers: { cookie } })).status).toBe(200);
    // An upload through the tus endpoint (a raw route of Hangar's server), finished and validated by the queue.
    const bytes = Buffer.alloc(1 << 20);
    const created = await fetch(`${hangar.url}/api/v1/uploads`, {
      method: "POST",
      headers: {
        cookie,
        "tus-resumable": "1.0.0",
        "upload-length": String(bytes.length),
        "upload-metadata": `name ${Buffer.from("census").toString("base64")}`,
        "content-type": "application/offset+octet-stream",
      },
      body: new Uint8Array(bytes),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const imageId = created.headers.get("hangar-image-id") ?? "";
    await expect.poll(async () => (await hangar.db.image.findUnique({ where: { id: imageId } }))?.status, { timeout: 30_000 }).toMatch(/ready|rejected/);
    // A server action on that image, and its download (the other raw route).
    const renamed = await callAction("renameAction", [imageId, "census-renamed"], cookie);
    expect(renamed.status).toBe(200);
    expect((await hangar.db.image.findUniqueOrThrow({ where: { id: imageId } })).name).toBe("census-renamed");
    const download = await fetch(`${hangar.url}/api/v1/images/${imageId}/file`, { headers: { cookie } });
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(bytes.length);

    const evaluations = fs
      .readFileSync(census, "utf8")
      .trim()
      .split("\n")
      .map((line) => {
        const [thread, kind, name] = line.split(" ") as [string, string, string];
        const file = kind === "esm" ? fileURLToPath(name) : name;
        return { key: `thread ${thread}: ${path.relative(root, file)}`, kind };
      });
    const counts = new Map<string, number>();
    for (const { key } of evaluations) counts.set(key, (counts.get(key) ?? 0) + 1);
    // Every part of the request paths above was reached through Node's loader...
    const reached = [
      "lib/server/server.ts",
      "lib/db/client.ts",
      "lib/auth/session.ts",
      "lib/catalog/mutations.ts",
      "lib/catalog/validation.ts",
      "lib/uploads/finish.ts",
    ];
    expect([...counts.keys()]).toEqual(expect.arrayContaining(reached.map((module) => `thread 0: ${module}`)));
    // ...and none of it twice.
    expect([...counts].filter(([, count]) => count > 1)).toEqual([]);
  });
});
