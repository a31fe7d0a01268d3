import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { shownPrefix } from "../auth/tokens";
import { type FixtureServer, startFixtureServer } from "../imports/testing/fixture-server";
import { type GlanceTestListener, startGlanceTestListener } from "../testing/glance-listener";
import { gophercloud, gophercloudBinary, gophercloudOk } from "../testing/gophercloud";

// gophercloud (Debian's golang-github-gophercloud-gophercloud-dev, the SDK under Terraform's openstack provider and
// Packer) against Hangar's Glance API, through scripts/glance-clients/gophercloud: it checks every status code
// exactly (201 create, 204 upload, tag and delete, 200 patch), parses every image, and follows `next` links.
// Authenticated with a Hangar token on the unversioned root, to which the image client appends v2/, and through
// Identity v3 with the OS_* variables Terraform's provider and Packer read (the catalog names the same root).
// Members (imageservice/v2/members) between two team projects, and imports (imageimport): web-download from a file
// server on loopback (allowlisted, as the import tests do) and glance-direct.

const SEED = path.resolve("prisma/seed-images/debian-12-genericcloud-amd64.qcow2");

let glance: GlanceTestListener;
let binary: string;
let files: FixtureServer;

beforeAll(async () => {
  binary = gophercloudBinary();
  glance = await startGlanceTestListener();
  const served = path.join(glance.env.dir, "served");
  fs.mkdirSync(served);
  fs.copyFileSync(SEED, path.join(served, "debian.qcow2"));
  execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", "/etc/passwd", "-F", "raw", path.join(served, "hostile.qcow2"), "1M"]);
  files = await startFixtureServer(served);
});
afterAll(async () => {
  await files.close();
  await glance.close();
});

type Image = Record<string, unknown> & { id: string; status: string };
const as = (who: "alice" | "bob") => ({
  ok: <T = Image>(...args: string[]) => gophercloudOk<T>(binary, glance.url, { token: glance.tokens[who] }, ...args),
  run: (...args: string[]) => gophercloud(binary, glance.url, { token: glance.tokens[who] }, ...args),
});
const alice = as("alice");
const digest = (algorithm: string, file: string) => createHash(algorithm).update(fs.readFileSync(file)).digest("hex");

describe("Hangar's Glance API with gophercloud", () => {
  it("creates (201, queued), uploads a QCOW2 (204), waits for active, shows and downloads it with verified hashes", async () => {
    const created = await alice.ok("create", "debian-gophercloud", "qcow2", "os_distro=debian", "team=infra");
    // (The disk_format a create names is the import slice's: the test reads it once inspection has found it.)
    expect(created).toMatchObject({ status: "queued", name: "debian-gophercloud", container_format: "bare", visibility: "private" });
    expect(created).toMatchObject({ os_distro: "debian", team: "infra" });
    await alice.ok("upload", created.id, SEED);
    const image = await alice.ok("wait", created.id);
    expect(image).toMatchObject({
      status: "active",
      disk_format: "qcow2",
      size: fs.statSync(SEED).size,
      checksum: digest("md5", SEED),
      os_hash_algo: "sha256",
      os_hash_value: digest("sha256", SEED),
      hangar_validation: "passed",
    });
    expect(image.virtual_size).toBeGreaterThan(fs.statSync(SEED).size);
    expect(await alice.ok("show", created.id)).toEqual(image);
    const out = path.join(glance.env.dir, "gophercloud-download.qcow2");
    // The program checks the bytes against os_hash_value and checksum, and fails on a mismatch.
    expect(await alice.ok("download", created.id, out)).toEqual({ os_hash_value: digest("sha256", SEED), checksum: digest("md5", SEED) });
    expect(digest("sha256", out)).toBe(digest("sha256", SEED));
  });

  it("a hostile QCOW2 (a backing file on the host) is taken (204) and ends killed, with Hangar's verdict", async () => {
    const hostile = path.join(glance.env.dir, "gophercloud-hostile.qcow2");
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", "/etc/passwd", "-F", "raw", hostile, "1M"]);
    const created = await alice.ok("create", "hostile-gophercloud", "qcow2");
    await alice.ok("upload", created.id, hostile);
    expect(await alice.ok("wait", created.id)).toMatchObject({
      status: "killed",
      hangar_validation: "rejected",
      hangar_report: `https://hangar.test/images/${created.id}`,
    });
    const row = await glance.env.db.image.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.status).toBe("rejected");
    expect(row.report).toContain("backing");
  });

  it("updates properties (PATCH, 200), replaces tags as Terraform does, adds and removes one tag (204)", async () => {
    const { id } = await alice.ok("create", "props-gophercloud", "raw");
    expect(await alice.ok("property", id, "os_distro=ubuntu", "team=infra")).toMatchObject({ os_distro: "ubuntu", team: "infra" });
    expect(await alice.ok("min-ram", id, "1024")).toMatchObject({ min_ram: 1024, team: "infra" });
    expect(await alice.ok("tags", id, "golden", "ci")).toMatchObject({ tags: ["ci", "golden"] });
    await alice.ok("tag", id, "nightly");
    await alice.ok("untag", id, "golden");
    const row = await glance.env.db.image.findUniqueOrThrow({ where: { id }, include: { tags: true } });
    expect(row).toMatchObject({ osDistro: "ubuntu", minMemoryMiB: 1024, properties: JSON.stringify({ team: "infra" }) });
    expect(row.tags.map((tag) => tag.tag).sort()).toEqual(["ci", "nightly"]);
    const removed = await alice.ok("unset", id, "team", "os_distro");
    expect(removed).not.toHaveProperty("team");
    expect(removed).not.toHaveProperty("os_distro");
    expect(removed).toMatchObject({ tags: ["ci", "nightly"], status: "queued" });
    // A core field is not a property: refused, and gophercloud (which expects 200) fails.
    expect((await alice.run("property", id, "status=active")).code).not.toBe(0);
    expect((await alice.ok("show", id)).status).toBe("queued");
  });

  it("deletes an image (204); it is gone, and showing it fails", async () => {
    const { id } = await alice.ok("create", "doomed-gophercloud", "raw");
    await alice.ok("delete", id);
    expect(await glance.env.db.image.findUnique({ where: { id } })).toBeNull();
    expect((await alice.run("show", id)).stderr).toContain("status 404");
  });

  it("signs in through Identity v3 as Terraform and Packer do: a password, an application credential; a wrong password is refused", async () => {
    // The auth_url README gives: gophercloud discovers v3 there, then finds the image endpoint in the catalog.
    const password = { OS_AUTH_URL: `${glance.url}/identity`, OS_USERNAME: "alice@test", OS_PASSWORD: "alice-pass", OS_DOMAIN_NAME: "Default" };
    const created = await gophercloudOk<Image>(binary, glance.url, { identity: password }, "create", "through-identity", "raw", "team=infra");
    expect(created).toMatchObject({ status: "queued", name: "through-identity" });
    const credential = {
      OS_AUTH_URL: `${glance.url}/identity`,
      OS_APPLICATION_CREDENTIAL_ID: shownPrefix(glance.tokens.alice),
      OS_APPLICATION_CREDENTIAL_SECRET: glance.tokens.alice,
    };
    expect(await gophercloudOk<Image>(binary, glance.url, { identity: credential }, "show", created.id)).toMatchObject({ id: created.id, team: "infra" });
    const wrong = await gophercloud(binary, glance.url, { identity: { ...password, OS_PASSWORD: "not-her-password" } }, "list");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/401/);
  });

  it("another user can neither show, change, tag nor delete the image, and nothing changes", async () => {
    const { id } = await alice.ok("create", "alices-gophercloud", "raw", "team=infra");
    const bob = as("bob");
    for (const args of [
      ["show", id],
      ["property", id, "team=bob"],
      ["tag", id, "bobs"],
      ["delete", id],
    ]) {
      const run = await bob.run(...args);
      expect(run.code, args[0]).not.toBe(0);
      expect(run.stderr, args[0]).toContain("status 404");
    }
    expect(await alice.ok("show", id)).toMatchObject({ team: "infra", tags: [] });
  });

  it("shares an image with another project (200, pending), which accepts and rejects; only the owner adds and removes members", async () => {
    const { env } = glance;
    const team = async (name: string, actor: Actor, role: string) =>
      (await env.db.project.create({ data: { name, nameKey: name, kind: "team", members: { create: [{ userId: actor.id, role }] } } })).id;
    const builds = await team("gc-builds", env.alice, "owner");
    const deploy = await team("gc-deploy", env.bob, "member");
    const id = await env.addImage({ owner: env.alice, projectId: builds, name: "shared-gophercloud", visibility: "private" });
    const share = async () => (await env.db.imageShare.findFirst({ where: { imageId: id, projectId: deploy } }))?.status ?? null;
    const bob = as("bob");
    const bobLists = async () => (await bob.ok<{ ids: string[] }>("list")).ids;

    expect(await alice.ok("member-add", id, deploy)).toMatchObject({ image_id: id, member_id: deploy, status: "pending" });
    expect(await share()).toBe("pending");
    expect(await bobLists()).not.toContain(id);
    expect(await bob.ok("member-show", id, deploy)).toMatchObject({ member_id: deploy, status: "pending" });

    expect(await bob.ok("member-status", id, deploy, "accepted")).toMatchObject({ status: "accepted" });
    expect(await share()).toBe("accepted");
    expect(await bobLists()).toContain(id);
    expect(await alice.ok("member-list", id)).toEqual([expect.objectContaining({ image_id: id, member_id: deploy, status: "accepted" })]);

    // The member may not share it on nor remove the share; the owner may not answer for the member project.
    for (const [who, args] of [
      [bob, ["member-add", id, builds]],
      [bob, ["member-delete", id, deploy]],
      [alice, ["member-status", id, deploy, "rejected"]],
    ] as const) {
      const run = await who.run(...args);
      expect(run.code, args.join(" ")).not.toBe(0);
      expect(run.stderr, args.join(" ")).toMatch(/status 40[34]/);
    }
    expect(await share()).toBe("accepted");

    expect(await bob.ok("member-status", id, deploy, "rejected")).toMatchObject({ status: "rejected" });
    expect(await share()).toBe("rejected");
    expect(await bobLists()).not.toContain(id);

    expect(await alice.ok("member-delete", id, deploy)).toEqual({ deleted: true });
    expect(await share()).toBeNull();
    expect(await alice.ok("member-list", id)).toEqual([]);
    expect((await bob.run("show", id)).stderr).toContain("status 404");
  });

  it("imports from a URL (web-download, 202): importing, then active with the file's hashes, through Hangar's URL import", async () => {
    expect(await alice.ok("import-info")).toMatchObject({ "import-methods": { value: ["glance-direct", "web-download"] } });
    const { id } = await alice.ok("create", "web-gophercloud", "qcow2");
    const uri = `${files.base}/debian.qcow2`;
    // Another user's import into Alice's image: not found, and the image waits on.
    expect((await as("bob").run("import", id, "web-download", uri)).stderr).toContain("status 404");
    expect(await alice.ok("import", id, "web-download", uri)).toEqual({ importing: true });
    expect(await alice.ok("wait", id)).toMatchObject({
      status: "active",
      disk_format: "qcow2",
      size: fs.statSync(SEED).size,
      os_hash_algo: "sha256",
      os_hash_value: digest("sha256", SEED),
      hangar_validation: "passed",
    });
    expect(await glance.env.db.imageImport.findFirst({ where: { imageId: id } })).toMatchObject({ url: uri, status: "done", userId: glance.env.alice.id });
  });

  it("a hostile QCOW2 by URL ends killed with Hangar's verdict; glance-direct (stage, then import) makes an image active", async () => {
    const hostile = await alice.ok("create", "hostile-web-gophercloud", "qcow2");
    await alice.ok("import", hostile.id, "web-download", `${files.base}/hostile.qcow2`);
    expect(await alice.ok("wait", hostile.id)).toMatchObject({ status: "killed", hangar_validation: "rejected" });
    expect((await glance.env.db.image.findUniqueOrThrow({ where: { id: hostile.id } })).report).toContain("backing");

    const staged = await alice.ok("create", "staged-gophercloud", "qcow2");
    expect(await alice.ok("stage", staged.id, SEED)).toEqual({ staged: true });
    expect(await alice.ok("import", staged.id, "glance-direct")).toEqual({ importing: true });
    expect(await alice.ok("wait", staged.id)).toMatchObject({ status: "active", os_hash_value: digest("sha256", SEED), checksum: digest("md5", SEED) });
  });
});
