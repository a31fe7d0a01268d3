import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, shownPrefix } from "../auth/tokens";
import { type FixtureServer, startFixtureServer } from "../imports/testing/fixture-server";
import { type GlanceTestListener, startGlanceTestListener } from "../testing/glance-listener";
import type { UploadTestEnv } from "../testing/upload-env";
import { WRONG_CREDENTIALS } from "./identity";

// The real `openstack` command line (Debian's python3-openstackclient, which scripts/test-all.sh installs) against
// Hangar's Glance listener and its Identity v3: a plain clouds.yaml with a password or an application credential
// (a Hangar API token), a token (--os-auth-type token), and the Keystone-free admin_token mode. Sharing between
// projects, an image Hangar rejects, and web-download through openstacksdk (the library under the command line, whose
// 6.0 has no command for it: scripts/glance-clients/openstacksdk/web_download.py) from a file server on loopback.

const OPENSTACK = ["/usr/bin/openstack"].find((file) => fs.existsSync(file));
const SEED = path.resolve("prisma/seed-images/debian-12-genericcloud-amd64.qcow2");
/** Debian's Python, which has the packages' openstacksdk (python3 on the PATH may be another). */
const PYTHON = "/usr/bin/python3";
const WEB_DOWNLOAD = path.resolve("scripts/glance-clients/openstacksdk/web_download.py");

let env: UploadTestEnv;
let listener: GlanceTestListener;
let url: string;
/** Alice's team projects: she works in A; B's images she may change through the portal, but not with a token scoped to A. Bob works in Deploy. */
const projects = { a: "", b: "", deploy: "" };
let apiToken = "";
let files: FixtureServer;

beforeAll(async () => {
  if (!OPENSTACK) throw new Error("python3-openstackclient is not installed: apt-get install python3-openstackclient (scripts/test-all.sh does)");
  listener = await startGlanceTestListener();
  ({ env, url } = listener);
  for (const key of ["a", "b"] as const) {
    const name = `team-${key}`;
    // An owner of A, who shares A's images.
    const role = key === "a" ? "owner" : "member";
    const project = await env.db.project.create({
      data: { name, nameKey: name, kind: "team", members: { create: [{ userId: env.alice.id, role }] } },
    });
    projects[key] = project.id;
  }
  projects.deploy = (
    await env.db.project.create({ data: { name: "deploy", nameKey: "deploy", kind: "team", members: { create: [{ userId: env.bob.id, role: "member" }] } } })
  ).id;
  const served = path.join(env.dir, "served");
  fs.mkdirSync(served);
  fs.copyFileSync(SEED, path.join(served, "debian.qcow2"));
  files = await startFixtureServer(served);
  const created = await createToken(env.db, env.alice, { name: "pipeline", expiresInDays: null, projectId: projects.a });
  if (!created.ok) throw new Error(created.error.message);
  apiToken = created.value.secret;
  const auth = { auth_url: `${url}/identity`, user_domain_name: "Default", project_domain_name: "Default" };
  const cloud = (settings: Record<string, unknown>) => ({ region_name: "RegionOne", identity_api_version: 3, ...settings });
  const clouds = {
    clouds: {
      password: cloud({ auth: { ...auth, username: "alice@test", password: "alice-pass", project_name: "team-a" } }),
      bob: cloud({ auth: { ...auth, username: "bob@test", password: "bob-pass", project_name: "deploy" } }),
      wrong: cloud({ auth: { ...auth, username: "alice@test", password: "not-her-password", project_name: "team-a" } }),
      appcred: cloud({
        auth_type: "v3applicationcredential",
        auth: { auth_url: `${url}/identity`, application_credential_id: shownPrefix(apiToken), application_credential_secret: apiToken },
      }),
    },
  };
  // JSON is YAML.
  fs.writeFileSync(path.join(env.dir, "clouds.yaml"), JSON.stringify(clouds));
});
afterAll(async () => {
  await files.close();
  await listener.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with the test's clouds.yaml: asynchronous, since the server answers in this very process; no OS_* of the caller's, and a clouds.yaml of the test's. */
function run(program: string, args: string[]): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OS_"))) as NodeJS.ProcessEnv;
  const runEnv = { ...clean, HOME: env.dir, OS_CLIENT_CONFIG_FILE: path.join(env.dir, "clouds.yaml") };
  return new Promise((resolve) => {
    const child = execFile(program, args, { env: runEnv, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

const openstack = (...args: string[]) => run(OPENSTACK as string, args);

/** A Python script of the test's (with the same clouds.yaml) that must succeed, its JSON output parsed. */
async function script<T>(file: string, ...args: string[]): Promise<T> {
  const done = await run(PYTHON, [file, ...args]);
  if (done.code !== 0) throw new Error(`${path.basename(file)} failed (${done.code}): ${done.stderr}${done.stdout}`);
  return JSON.parse(done.stdout) as T;
}

async function ok(...args: string[]): Promise<string> {
  const run = await openstack(...args);
  if (run.code !== 0) throw new Error(`openstack ${args.join(" ")} failed (${run.code}): ${run.stderr}${run.stdout}`);
  return run.stdout;
}

const json = async <T = Record<string, unknown>>(...args: string[]) => JSON.parse(await ok(...args, "-f", "json")) as T;
const digest = (algorithm: string, file: string) => createHash(algorithm).update(fs.readFileSync(file)).digest("hex");
const listedNames = (rows: { Name: string }[]) => rows.map((row) => row.Name);

/** Polls `image show` until the image leaves queued and saving (validation runs in the background). */
async function settled(auth: string[], id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const image = await json(...auth, "image", "show", id);
    if (!["queued", "importing", "saving"].includes(String(image.status)) || Date.now() > deadline) return image;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// Each command is a Python start (seconds on a loaded machine), and the first test waits for a validation.
describe("Hangar's Glance API with the real openstack command line", { timeout: 240_000 }, () => {
  it("with a password in clouds.yaml: create from a QCOW2, list, show, save and verify, set properties and tags, hide, delete", async () => {
    const auth = ["--os-cloud", "password"];
    const created = await json(...auth, "image", "create", "--disk-format", "qcow2", "--container-format", "bare", "--file", SEED, "debian-openstack");
    const id = String(created.id);
    const row = await env.db.image.findUniqueOrThrow({ where: { id } });
    // The token was scoped to team-a by name: the image lands there.
    expect(row.projectId).toBe(projects.a);
    const image = await settled(auth, id);
    expect(image).toMatchObject({ status: "active", disk_format: "qcow2", size: fs.statSync(SEED).size, checksum: digest("md5", SEED) });
    expect(listedNames(await json<{ Name: string }[]>(...auth, "image", "list"))).toContain("debian-openstack");
    const out = path.join(env.dir, "saved.qcow2");
    await ok(...auth, "image", "save", "--file", out, id);
    expect(digest("sha256", out)).toBe(digest("sha256", SEED));

    await ok(...auth, "image", "set", "--property", "team=infra", "--property", "os_distro=debian", "--tag", "golden", id);
    const set = await json(...auth, "image", "show", id);
    expect(set.tags).toEqual(["golden"]);
    expect(set.properties).toMatchObject({ team: "infra", os_distro: "debian" });
    const stored = await env.db.image.findUniqueOrThrow({ where: { id } });
    expect(stored.osDistro).toBe("debian");
    // openstacksdk adds its owner_specified.openstack.* properties on create.
    expect(JSON.parse(stored.properties)).toMatchObject({ team: "infra" });

    await ok(...auth, "image", "set", "--hidden", id);
    // openstackclient 6 shows os_hidden among the properties.
    expect(await json(...auth, "image", "show", id)).toMatchObject({ properties: { os_hidden: true } });
    expect((await env.db.image.findUniqueOrThrow({ where: { id } })).status).toBe("deprecated");

    await ok(...auth, "image", "delete", id);
    expect(await env.db.image.findUnique({ where: { id } })).toBeNull();
  });

  it("a hostile QCOW2 (a backing file on the host) is uploaded, and ends killed with Hangar's verdict and report", async () => {
    const auth = ["--os-cloud", "password"];
    const hostile = path.join(env.dir, "hostile.qcow2");
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", "/etc/passwd", "-F", "raw", hostile, "1M"]);
    const created = await json(...auth, "image", "create", "--disk-format", "qcow2", "--container-format", "bare", "--file", hostile, "hostile-openstack");
    const id = String(created.id);
    expect(await settled(auth, id)).toMatchObject({
      status: "killed",
      properties: { hangar_validation: "rejected", hangar_report: `https://hangar.test/images/${id}` },
    });
    const row = await env.db.image.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("rejected");
    expect(row.report).toContain("backing");
  });

  it("shares an image with another project (image add project), which accepts, rejects, and loses it when removed", async () => {
    const alice = ["--os-cloud", "password"];
    const bob = ["--os-cloud", "bob"];
    const id = await env.addImage({ owner: env.alice, projectId: projects.a, name: "shared-by-openstack", visibility: "private" });
    const share = () => env.db.imageShare.findFirst({ where: { imageId: id, projectId: projects.deploy } });
    const bobLists = async (...filter: string[]) => listedNames(await json<{ Name: string }[]>(...bob, "image", "list", ...filter));

    // The project by its name: openstackclient asks Identity, which refuses a user the list of every project
    // (as Keystone does), so it passes the name on; Glance's member is the project it names.
    expect(await json(...alice, "image", "add", "project", id, "deploy")).toMatchObject({ image_id: id, member_id: projects.deploy, status: "pending" });
    expect((await share())?.status).toBe("pending");
    expect(await bobLists()).not.toContain("shared-by-openstack");
    expect(await bobLists("--member-status", "pending")).toContain("shared-by-openstack");

    // Bob answers for the project his token is scoped to.
    await ok(...bob, "image", "set", "--accept", id);
    expect((await share())?.status).toBe("accepted");
    expect(await bobLists()).toContain("shared-by-openstack");
    expect(await json(...bob, "image", "member", "list", id)).toEqual([expect.objectContaining({ "Member ID": projects.deploy, Status: "accepted" })]);
    await ok(...bob, "image", "set", "--reject", id);
    expect((await share())?.status).toBe("rejected");
    expect(await bobLists()).not.toContain("shared-by-openstack");

    // Bob may not share it on, nor remove his project's membership; the share is as it was.
    expect((await openstack(...bob, "image", "add", "project", id, projects.b)).code).not.toBe(0);
    expect((await openstack(...bob, "image", "remove", "project", id, projects.deploy)).code).not.toBe(0);
    expect(await env.db.imageShare.findMany({ where: { imageId: id }, select: { projectId: true, status: true } })).toEqual([
      { projectId: projects.deploy, status: "rejected" },
    ]);

    // By its id, which Identity shows to the members of the project only: openstackclient passes it on as well.
    await ok(...alice, "image", "remove", "project", id, projects.deploy);
    expect(await share()).toBeNull();
    expect((await openstack(...bob, "image", "show", id)).code).not.toBe(0);
  });

  it("imports from a URL (web-download, with openstacksdk) and from its own bytes (image create --import, glance-direct)", async () => {
    const imported = await script<{ id: string }>(WEB_DOWNLOAD, "password", "debian-web-download", "qcow2", `${files.base}/debian.qcow2`);
    const image = await settled(["--os-cloud", "password"], imported.id);
    // Hangar's imports keep a SHA-256, not an MD5: the image names its os_hash_algo, as Glance's do.
    expect(image).toMatchObject({
      status: "active",
      size: fs.statSync(SEED).size,
      properties: { os_hash_algo: "sha256", os_hash_value: digest("sha256", SEED) },
    });
    const row = await env.db.image.findUniqueOrThrow({ where: { id: imported.id } });
    expect(row).toMatchObject({ projectId: projects.a, sha256: digest("sha256", SEED) });
    expect(await env.db.imageImport.findFirst({ where: { imageId: imported.id } })).toMatchObject({ url: `${files.base}/debian.qcow2`, status: "done" });

    const staged = await json(
      ...["--os-cloud", "password", "image", "create", "--import", "--disk-format", "qcow2", "--container-format", "bare"],
      ...["--file", SEED, "debian-glance-direct"],
    );
    expect(await settled(["--os-cloud", "password"], String(staged.id))).toMatchObject({ status: "active", checksum: digest("md5", SEED) });
  });

  it("a wrong password fails with a readable message, and is throttled and audited like a portal sign-in", async () => {
    const run = await openstack("--os-cloud", "wrong", "image", "list");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(WRONG_CREDENTIALS);
    const failed = await env.db.auditEvent.findFirst({ where: { action: "auth.sign_in_failed", actorEmail: "alice@test" } });
    expect(failed?.after).toContain("wrong_password");
    expect(await env.db.signInThrottle.findUnique({ where: { key: "account:alice@test" } })).not.toBeNull();
  });

  it("with an application credential (a Hangar API token): lists, creates and shows in the token's project", async () => {
    const auth = ["--os-cloud", "appcred"];
    const mine = await env.addImage({ owner: env.alice, projectId: projects.a, name: "in-team-a", visibility: "private" });
    expect(listedNames(await json<{ Name: string }[]>(...auth, "image", "list"))).toContain("in-team-a");
    expect(await json(...auth, "image", "show", mine)).toMatchObject({ id: mine, name: "in-team-a" });
    // Without --file, openstackclient uploads its stdin; a file of one MiB makes the point.
    const file = path.join(env.dir, "one-mib.raw");
    fs.writeFileSync(file, Buffer.alloc(1 << 20, 1));
    const created = await json(...auth, "image", "create", "--disk-format", "raw", "--container-format", "bare", "--file", file, "created-by-appcred");
    expect((await env.db.image.findUniqueOrThrow({ where: { id: String(created.id) } })).projectId).toBe(projects.a);
  });

  it("with a token (--os-auth-type token), which token issue gives and token revoke ends", async () => {
    const issued = await json<{ id: string; project_id: string; user_id: string }>("--os-cloud", "password", "token", "issue");
    expect(issued).toMatchObject({ project_id: projects.a, user_id: env.alice.id });
    const auth = [
      "--os-auth-type",
      "token",
      "--os-auth-url",
      `${url}/identity`,
      "--os-token",
      issued.id,
      "--os-project-id",
      projects.a,
      "--os-region-name",
      "RegionOne",
    ];
    await env.addImage({ owner: env.alice, projectId: projects.a, name: "seen-by-token", visibility: "private" });
    expect(listedNames(await json<{ Name: string }[]>(...auth, "image", "list"))).toContain("seen-by-token");
    await ok("--os-cloud", "password", "token", "revoke", issued.id);
    expect((await openstack(...auth, "image", "list")).code).not.toBe(0);
    expect((await env.db.apiToken.findUniqueOrThrow({ where: { hash: createHash("sha256").update(issued.id).digest("hex") } })).revokedAt).not.toBeNull();
  });

  it("in admin_token mode (no Keystone: --os-endpoint …/v2 and a Hangar API token)", async () => {
    const auth = ["--os-auth-type", "admin_token", "--os-endpoint", `${url}/v2`, "--os-token", apiToken];
    const id = await env.addImage({ owner: env.alice, projectId: projects.a, name: "admin-token-mode", visibility: "private" });
    expect(listedNames(await json<{ Name: string }[]>(...auth, "image", "list"))).toContain("admin-token-mode");
    await ok(...auth, "image", "set", "--tag", "seen", id);
    expect(await json(...auth, "image", "show", id)).toMatchObject({ name: "admin-token-mode", tags: ["seen"] });
  });

  it("a token scoped to project A cannot change project B's image, though its user may", async () => {
    const id = await env.addImage({ owner: env.alice, projectId: projects.b, name: "in-team-b", visibility: "private" });
    const before = await env.db.image.findUniqueOrThrow({ where: { id }, include: { tags: true } });
    for (const change of [
      ["image", "set", "--property", "team=a", id],
      ["image", "set", "--tag", "from-a", id],
      ["image", "delete", id],
    ]) {
      expect((await openstack("--os-cloud", "password", ...change)).code, change.join(" ")).not.toBe(0);
    }
    expect(await env.db.image.findUniqueOrThrow({ where: { id }, include: { tags: true } })).toEqual(before);
  });
});

describe("Identity v3 over HTTP", () => {
  const tokens = () => `${url}/v3/auth/tokens`;
  const signIn = (password: string, path = "/identity/v3/auth/tokens") =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ auth: { identity: { methods: ["password"], password: { user: { name: "bob@test", domain: { id: "default" }, password } } } } }),
    });

  it("answers version discovery under /identity and at /v3 without a token", async () => {
    const root = await fetch(`${url}/identity`);
    expect(root.status).toBe(300);
    const listed = (await root.json()) as { versions: { values: { id: string; links: { rel: string; href: string }[] }[] } };
    expect(listed.versions.values[0]?.links).toEqual([{ rel: "self", href: `${url}/identity/v3/` }]);
    for (const path of ["/identity/v3", "/identity/v3/", "/v3"]) {
      const version = await fetch(`${url}${path}`);
      expect(version.status, path).toBe(200);
      expect(((await version.json()) as { version: { id: string } }).version.id).toBe("v3.14");
    }
  });

  it("refuses in Keystone's error shape: a wrong password, a body that is not JSON, a validation without a token", async () => {
    const wrong = await signIn("not-bobs");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 401, title: "Unauthorized", message: WRONG_CREDENTIALS } });
    const text = await fetch(`${url}/identity/v3/auth/tokens`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    expect(text.status).toBe(400);
    expect(((await text.json()) as { error: { code: number; title: string } }).error).toMatchObject({ code: 400, title: "Bad Request" });
    const anonymous = await fetch(tokens(), { headers: { "x-subject-token": "hgk_x" } });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { title: string } }).error.title).toBe("Unauthorized");
  });

  it("issues a token (201, X-Subject-Token, the unversioned image endpoint) that the image routes take, validates it and revokes it", async () => {
    const issued = await signIn("bob-pass", "/v3/auth/tokens");
    expect(issued.status).toBe(201);
    const token = issued.headers.get("x-subject-token") ?? "";
    const body = (await issued.json()) as { token: { catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } };
    expect(body.token.catalog.find((service) => service.type === "image")?.endpoints.map((endpoint) => endpoint.url)).toEqual([url, url, url]);
    const auth = { "x-auth-token": token };
    expect((await fetch(`${url}/v2/images`, { headers: auth })).status).toBe(200);
    const validated = await fetch(`${tokens()}?nocatalog`, { headers: { ...auth, "x-subject-token": token } });
    expect(validated.status).toBe(200);
    expect(validated.headers.get("x-subject-token")).toBe(token);
    expect(await validated.json()).toMatchObject({ token: { user: { id: env.bob.id }, methods: ["password"] } });
    expect((await fetch(tokens(), { method: "DELETE", headers: { ...auth, "x-subject-token": token } })).status).toBe(204);
    expect((await fetch(`${url}/v2/images`, { headers: auth })).status).toBe(401);
  });
});
