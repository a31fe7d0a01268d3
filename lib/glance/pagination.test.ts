import { execFile } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkNewImage, insertImage } from "../catalog/create";
import { type GlanceTestListener, startGlanceTestListener } from "../testing/glance-listener";
import { gophercloudBinary, gophercloudOk } from "../testing/gophercloud";

// Paging across 500 images with the real clients: `glance image-list` (Debian's python3-glanceclient), `openstack image
// list` (python3-openstackclient, through openstacksdk) and gophercloud's pager (scripts/glance-clients/gophercloud), all
// following Hangar's `next` links to the end. The images are written
// through the catalog as 500 `POST /v2/images` would leave them (queued, no data): the paging is under test, not uploads.

const GLANCE = "/usr/bin/glance";
const COUNT = 500;

let glance: GlanceTestListener;
let binary: string;
/** The seeded images as the database holds them. */
let seeded: { id: string; name: string; createdAt: Date }[];

beforeAll(async () => {
  if (!fs.existsSync(GLANCE)) throw new Error("python3-glanceclient is not installed: apt-get install python3-glanceclient (scripts/test-all.sh does)");
  binary = gophercloudBinary();
  glance = await startGlanceTestListener();
  const { env, deps } = glance;
  // Names in another order than creation, so that each sort key gives its own order.
  const names = Array.from({ length: COUNT }, (_, index) => `paged-${String((index * 137) % COUNT).padStart(3, "0")}`);
  for (const [owner, list] of [
    [env.alice, names],
    [env.bob, ["bobs-1", "bobs-2", "bobs-3"]],
  ] as const) {
    for (const name of list) {
      const checked = await checkNewImage(deps, { creator: owner, target: { visibility: "private", projectId: null }, name });
      if (!checked.ok) throw new Error(checked.error.message);
      const created = await insertImage(deps, checked.value, { status: "uploading", fileSize: 0n }, "image.upload");
      if (!created.ok) throw new Error(created.error.message);
    }
  }
  seeded = await env.db.image.findMany({ where: { name: { startsWith: "paged-" } }, select: { id: true, name: true, createdAt: true } });
  expect(seeded).toHaveLength(COUNT);
  // Alice sees her own images only: the 500.
  expect(await env.db.image.count()).toBe(COUNT + 3);
}, 300_000);
afterAll(async () => {
  await glance.close();
});

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
/** Oldest first; the id breaks ties in the same direction (images created in the same millisecond). */
const byCreation = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) => a.createdAt.getTime() - b.createdAt.getTime() || byId(a, b);
const ids = (images: { id: string }[]) => images.map((image) => image.id);

function expectEachOnceInOrder(listed: string[], expected: string[]) {
  expect(listed).toHaveLength(COUNT);
  expect(new Set(listed).size).toBe(COUNT);
  expect(listed).toEqual(expected);
}

/** `glance image-list` as Alice: every page, the ids in the table's order. */
function glanceList(...args: string[]): Promise<string[]> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OS_"))) as NodeJS.ProcessEnv;
  const argv = ["--os-image-url", glance.url, "--os-auth-token", glance.tokens.alice, "--os-image-api-version", "2", "image-list", ...args];
  return new Promise((resolve, reject) => {
    execFile(GLANCE, argv, { env: { ...clean, HOME: glance.env.dir }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`glance image-list failed: ${stderr}`));
      else
        resolve(
          stdout
            .split("\n")
            .filter((line) => line.startsWith("| "))
            .slice(1)
            .map((line) => line.split("|")[1]?.trim() ?? ""),
        );
    });
  });
}

/** `openstack image list` as Alice (admin_token mode): openstacksdk follows `next` at the server's page size. */
function openstackList(...args: string[]): Promise<string[]> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OS_"))) as NodeJS.ProcessEnv;
  const auth = ["--os-auth-type", "admin_token", "--os-endpoint", `${glance.url}/v2`, "--os-token", glance.tokens.alice];
  return new Promise((resolve, reject) => {
    execFile(
      "/usr/bin/openstack",
      [...auth, "image", "list", "-f", "value", "-c", "ID", ...args],
      { env: { ...clean, HOME: glance.env.dir } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`openstack image list failed: ${stderr}`));
        else resolve(stdout.split("\n").filter(Boolean));
      },
    );
  });
}

const gophercloudList = (...args: string[]) =>
  gophercloudOk<{ ids: string[]; pages: number }>(binary, glance.url, { token: glance.tokens.alice }, ...args, "list");

describe("paging across 500 images", () => {
  it("glance image-list, 37 a page, by name (its default order)", async () => {
    expectEachOnceInOrder(await glanceList("--page-size", "37"), ids([...seeded].sort(byName)));
  });

  it("glance image-list, 41 a page, newest first (sort=created_at:desc)", async () => {
    expectEachOnceInOrder(await glanceList("--page-size", "41", "--sort", "created_at:desc"), ids([...seeded].sort(byCreation).reverse()));
  });

  it("glance image-list, 99 a page, by a key every image shares (size): the id orders them", async () => {
    expectEachOnceInOrder(await glanceList("--page-size", "99", "--sort-key", "size", "--sort-dir", "asc"), ids([...seeded].sort(byId)));
  });

  it("openstack image list, the server's page size (25), by name", async () => {
    expectEachOnceInOrder(await openstackList("--sort", "name:asc"), ids([...seeded].sort(byName)));
  });

  it("gophercloud's pager, 37 a page, Glance's default order (newest first): 14 pages", async () => {
    const listed = await gophercloudList("-limit", "37");
    expectEachOnceInOrder(listed.ids, ids([...seeded].sort(byCreation).reverse()));
    expect(listed.pages).toBe(Math.ceil(COUNT / 37));
  });

  it("gophercloud's pager, 7 a page, by name descending (sort_key and sort_dir)", async () => {
    const listed = await gophercloudList("-limit", "7", "-sort-key", "name", "-sort-dir", "desc");
    expectEachOnceInOrder(listed.ids, ids([...seeded].sort(byName).reverse()));
  });

  it("gophercloud's pager, the server's page size (25), oldest first (sort=created_at:asc)", async () => {
    const listed = await gophercloudList("-sort", "created_at:asc");
    expectEachOnceInOrder(listed.ids, ids([...seeded].sort(byCreation)));
    expect(listed.pages).toBe(COUNT / 25);
  });
});
