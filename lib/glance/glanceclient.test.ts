import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, shownPrefix } from "../auth/tokens";
import { defaultProjectId } from "../projects/personal";
import { type GlanceTestListener, startGlanceTestListener } from "../testing/glance-listener";
import type { UploadTestEnv } from "../testing/upload-env";
import { GLANCE, glanceCli, propertyTable as table } from "./testing/glance-cli";

// The real `glance` command line (Debian's python3-glanceclient, which scripts/test-all.sh installs) against
// Hangar's Glance API, in token mode (--os-image-url, --os-auth-token) and through Identity v3 with a password; an
// application credential, which the command line cannot send, through glanceclient's library
// (scripts/glance-clients/glanceclient/application_credential.py). The bytes go through Hangar's upload finish and
// validation, the images live in a real database and image store.

const SEED = path.resolve("prisma/seed-images/debian-12-genericcloud-amd64.qcow2");
const APPLICATION_CREDENTIAL = path.resolve("scripts/glance-clients/glanceclient/application_credential.py");

let listener: GlanceTestListener;
let env: UploadTestEnv;
let url: string;
let cli: ReturnType<typeof glanceCli>;

beforeAll(async () => {
  if (!GLANCE) throw new Error("python3-glanceclient is not installed: apt-get install python3-glanceclient (scripts/test-all.sh does)");
  listener = await startGlanceTestListener();
  ({ env, url } = listener);
  cli = glanceCli(url, env.dir);
});
afterAll(async () => {
  await listener.close();
});

type Who = keyof GlanceTestListener["tokens"];
/** Runs `glance` as the user in token mode: asynchronous, since the server answers in this very process. */
const glance = (who: Who, ...args: string[]) => cli.as(listener.tokens[who], ...args);
const run = (args: string[]) => cli.run(args);
const ok = (who: Who, ...args: string[]) => cli.ok(listener.tokens[who], ...args);
const show = (who: Who, id: string) => cli.show(listener.tokens[who], id);
/** Polls image-show until the image is no longer on its way (validation runs in the background). */
const settled = (who: Who, id: string) => cli.settled(listener.tokens[who], id);

/** A queued image (no data yet), created over HTTP as glanceclient's create does. */
async function queued(who: Who, name: string): Promise<string> {
  const answer = await fetch(`${url}/v2/images`, {
    method: "POST",
    headers: { "x-auth-token": listener.tokens[who], "content-type": "application/json" },
    body: JSON.stringify({ name, disk_format: "raw", container_format: "bare" }),
  });
  expect(answer.status).toBe(201);
  expect(answer.headers.has("openstack-image-import-methods")).toBe(true);
  const image = (await answer.json()) as { id: string; status: string };
  expect(image.status).toBe("queued");
  return image.id;
}

/** The ids of `glance image-list`'s table, in its order. */
const listedIds = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith("| "))
    .slice(1)
    .map((line) => line.split("|")[1]?.trim() ?? "");

/** The application-credential script with Alice's API token as the credential (its prefix is the id), its JSON parsed. */
function withApplicationCredential<T>(...args: string[]): Promise<T> {
  const secret = listener.tokens.alice;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OS_"))) as NodeJS.ProcessEnv;
  // Debian's Python, which has the packages' glanceclient (python3 on the PATH may be another).
  const argv = [APPLICATION_CREDENTIAL, `${url}/identity`, shownPrefix(secret), secret, ...args];
  return new Promise((resolve, reject) => {
    execFile("/usr/bin/python3", argv, { env: { ...clean, HOME: env.dir }, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`application_credential.py ${args.join(" ")} failed: ${stderr}${stdout}`)) : resolve(JSON.parse(stdout) as T),
    );
  });
}

const digest = (algorithm: string, file: string) => createHash(algorithm).update(fs.readFileSync(file)).digest("hex");

describe("Hangar's Glance API with the real glance command line", () => {
  it("answers version discovery and the schemas without a token, the schemas without stores", async () => {
    const root = await fetch(`${url}/`);
    expect(root.status).toBe(300);
    const versions = (await (await fetch(`${url}/versions`)).json()) as { versions: { id: string; status: string; links: { href: string }[] }[] };
    expect(versions.versions[0]).toEqual({ id: "v2.7", status: "CURRENT", links: [{ rel: "self", href: `${url}/v2/` }] });
    const schema = (await (await fetch(`${url}/v2/schemas/image`)).json()) as { properties: Record<string, unknown> };
    expect(schema.properties).not.toHaveProperty("stores");
    expect((await fetch(`${url}/v2/images`)).status).toBe(401);
  });

  it("is found by glance's own version discovery, which caches the schema and stays on v2", async () => {
    const discovered = await run(["--os-image-url", url, "--os-auth-token", listener.tokens.alice, "image-list"]);
    expect(discovered.stderr).not.toContain("falling back to v1");
    expect(discovered.code).toBe(0);
    expect(fs.existsSync(path.join(env.dir, ".glanceclient", "image_schema.json"))).toBe(true);
    // With the schema cached, a second run builds every command's options from it (a `stores` in it once broke this).
    expect((await run(["--os-image-url", url, "--os-auth-token", listener.tokens.alice, "image-list"])).code).toBe(0);
  });

  it("creates and uploads a QCOW2 (queued, saving, then active); show and download verify its hashes", async () => {
    const created = table(await ok("alice", "image-create", "--name", "debian-glance", "--disk-format", "qcow2", "--container-format", "bare", "--file", SEED));
    expect(["saving", "active"]).toContain(created.status);
    const id = created.id;
    const image = await settled("alice", id);
    expect(image).toMatchObject({
      status: "active",
      disk_format: "qcow2",
      container_format: "bare",
      size: String(fs.statSync(SEED).size),
      checksum: digest("md5", SEED),
      os_hash_algo: "sha256",
      os_hash_value: digest("sha256", SEED),
      hangar_validation: "passed",
      visibility: "private",
    });
    const out = path.join(env.dir, "downloaded.qcow2");
    // glanceclient checks the download against os_hash_value (and the MD5): a wrong byte fails the command.
    await ok("alice", "image-download", "--file", out, id);
    expect(digest("sha256", out)).toBe(digest("sha256", SEED));
  });

  it("a hostile QCOW2 (a backing file on the host) ends killed, with Hangar's verdict and the report's address", async () => {
    const hostile = path.join(env.dir, "hostile.qcow2");
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", "/etc/passwd", "-F", "raw", hostile, "1M"]);
    const created = table(await ok("alice", "image-create", "--name", "hostile", "--disk-format", "qcow2", "--container-format", "bare", "--file", hostile));
    const image = await settled("alice", created.id);
    expect(image).toMatchObject({ status: "killed", hangar_validation: "rejected", hangar_report: `https://hangar.test/images/${created.id}` });
    const row = await env.db.image.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.status).toBe("rejected");
    expect(row.report).toContain("backing");
  });

  it("sets and removes properties and tags, into Hangar's own columns where it has them", async () => {
    const id = await queued("alice", "props");
    expect((await show("alice", id)).status).toBe("queued");
    await ok("alice", "image-update", "--property", "os_distro=debian", "--property", "team=infra", "--min-ram", "512", id);
    await ok("alice", "image-tag-update", id, "golden");
    await ok("alice", "image-tag-update", id, "ci");
    expect(await show("alice", id)).toMatchObject({ os_distro: "debian", team: "infra", min_ram: "512", tags: '["ci", "golden"]' });
    const row = await env.db.image.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ osDistro: "debian", minMemoryMiB: 512, properties: JSON.stringify({ team: "infra" }) });
    await ok("alice", "image-update", "--remove-property", "team", "--remove-property", "os_distro", id);
    await ok("alice", "image-tag-delete", id, "golden");
    const after = await show("alice", id);
    expect(after).not.toHaveProperty("team");
    expect(after).not.toHaveProperty("os_distro");
    expect(after.tags).toBe('["ci"]');
    expect((await glance("alice", "image-update", "--property", "status=active", id)).code).not.toBe(0);
    expect((await show("alice", id)).status).toBe("queued");
  });

  it("lists every image of the user across pages, following next, in the order asked", async () => {
    for (let index = 0; index < 23; index++) await env.addImage({ owner: env.alice, name: `listed-${String(index).padStart(2, "0")}`, visibility: "private" });
    await env.addImage({ owner: env.bob, name: "bobs-own", visibility: "private" });
    const expected = (await env.db.image.findMany({ where: { project: { personalUserId: env.alice.id } }, select: { id: true, name: true } })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    const listed = listedIds(await ok("alice", "image-list", "--page-size", "5", "--sort-key", "name", "--sort-dir", "asc"));
    expect(listed).toEqual(expected.map((image) => image.id));
    const filtered = listedIds(await ok("alice", "image-list", "--page-size", "3", "--property-filter", "name=listed-07"));
    expect(filtered).toHaveLength(1);
  });

  it("deletes an image", async () => {
    const id = await queued("alice", "doomed");
    await ok("alice", "image-delete", id);
    expect(await env.db.image.findUnique({ where: { id } })).toBeNull();
    expect((await glance("alice", "image-show", id)).code).not.toBe(0);
  });

  it("with an application credential, through glanceclient's library: lists across pages, uploads a QCOW2, downloads it verified", async () => {
    const mine = await queued("alice", "seen-by-application-credential");
    expect((await withApplicationCredential<{ ids: string[] }>("list")).ids).toContain(mine);
    const uploaded = await withApplicationCredential<{ id: string; status: string }>("upload", "uploaded-by-application-credential", "qcow2", SEED);
    expect(["saving", "active"]).toContain(uploaded.status);
    expect(await settled("alice", uploaded.id)).toMatchObject({ status: "active", os_hash_value: digest("sha256", SEED), hangar_validation: "passed" });
    // The credential is Alice's unlimited API token: the image lands in her personal project, as her token's do.
    const row = await env.db.image.findUniqueOrThrow({ where: { id: uploaded.id } });
    expect(row).toMatchObject({ projectId: await defaultProjectId(env.db, env.alice), sha256: digest("sha256", SEED) });
    const out = path.join(env.dir, "downloaded-by-application-credential.qcow2");
    expect(await withApplicationCredential("download", uploaded.id, out)).toEqual({ sha256: digest("sha256", SEED) });
    expect(digest("sha256", out)).toBe(digest("sha256", SEED));
  });

  it("signs in through Identity v3 with a password, and finds the image endpoint in the catalog", async () => {
    const id = await queued("alice", "through-identity");
    const identity = ["--os-auth-url", `${url}/identity`, "--os-user-domain-name", "Default", "--os-project-domain-name", "Default"];
    // glanceclient wants a project with a password: Alice's personal one, where her images go.
    const password = [...identity, "--os-username", "alice@test", "--os-password", "alice-pass", "--os-project-id", await defaultProjectId(env.db, env.alice)];
    // (An application credential glance's command line cannot send: it takes --os-auth-type's options, then signs in
    // with a password all the same. The test above uses its library.)
    const shown = await run([...password, "--os-image-api-version", "2", "image-show", id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("through-identity");
    const wrong = await run([
      ...password.slice(0, -4),
      "--os-password",
      "not-her-password",
      "--os-project-id",
      "x",
      "--os-image-api-version",
      "2",
      "image-list",
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/401|password/i);
  });
});

describe("the Glance door to the policy", () => {
  it("a user can neither see, change, upload to, download nor delete another project's image through it, and nothing changes", async () => {
    const id = await env.addImage({ owner: env.alice, name: "alices-secret", visibility: "private" });
    const before = JSON.stringify(await env.db.image.findUnique({ where: { id }, include: { tags: true } }), (_key, value: unknown) =>
      typeof value === "bigint" ? String(value) : value,
    );
    const bob = { "x-auth-token": listener.tokens.bob };
    const requests: [string, string, RequestInit][] = [
      ["show", `/v2/images/${id}`, { method: "GET" }],
      [
        "patch",
        `/v2/images/${id}`,
        {
          method: "PATCH",
          headers: { "content-type": "application/openstack-images-v2.1-json-patch" },
          body: JSON.stringify([{ op: "replace", path: "/name", value: "mine" }]),
        },
      ],
      ["delete", `/v2/images/${id}`, { method: "DELETE" }],
      ["upload", `/v2/images/${id}/file`, { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: "bytes" }],
      ["download", `/v2/images/${id}/file`, { method: "GET" }],
      ["tag", `/v2/images/${id}/tags/mine`, { method: "PUT" }],
    ];
    for (const [what, pathname, init] of requests) {
      const answer = await fetch(`${url}${pathname}`, { ...init, headers: { ...bob, ...(init.headers as Record<string, string> | undefined) } });
      await answer.arrayBuffer();
      expect(answer.status, what).toBe(404);
    }
    const listed = (await (await fetch(`${url}/v2/images?limit=1000`, { headers: bob })).json()) as { images: { id: string }[] };
    expect(listed.images.map((image) => image.id)).not.toContain(id);
    expect((await glance("bob", "image-delete", id)).code).not.toBe(0);
    const after = JSON.stringify(await env.db.image.findUnique({ where: { id }, include: { tags: true } }), (_key, value: unknown) =>
      typeof value === "bigint" ? String(value) : value,
    );
    expect(after).toBe(before);
  });

  it("a read-only token cannot create an image through it", async () => {
    const created = await createToken(env.db, env.alice, { name: "read", expiresInDays: null, scope: "read" });
    if (!created.ok) throw new Error(created.error.message);
    const answer = await fetch(`${url}/v2/images`, {
      method: "POST",
      headers: { "x-auth-token": created.value.secret, "content-type": "application/json" },
      body: JSON.stringify({ name: "not-allowed", disk_format: "raw", container_format: "bare" }),
    });
    expect(answer.status).toBe(403);
    expect(await env.db.image.findFirst({ where: { name: "not-allowed" } })).toBeNull();
  });
});
