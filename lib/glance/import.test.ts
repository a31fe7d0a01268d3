import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../auth/tokens";
import { validationsSettled } from "../catalog/validation";
import { parseTrustedProxies } from "../http/forwarding";
import { type FixtureServer, startFixtureServer } from "../imports/testing/fixture-server";
import { type UploadTestEnv, makeUploadTestEnv } from "../testing/upload-env";
import { uploadHousekeeping } from "../uploads/jobs";
import type { GlanceDeps } from "./deps";
import { startGlanceListener } from "./server";
import { GLANCE, glanceCli, glanceTestDeps, propertyTable } from "./testing/glance-cli";

// Glance's interoperable import (web-download, glance-direct) and declared disk formats, with the real `glance`
// command line against Hangar's Glance API: web-download runs Hangar's URL import from a file server on
// loopback (allowlisted, as the import tests do), the bytes go through Hangar's validation.

const SEED = path.resolve("prisma/seed-images/debian-12-genericcloud-amd64.qcow2");

let env: UploadTestEnv;
let deps: GlanceDeps;
let server: Server;
let files: FixtureServer;
let url: string;
let cli: ReturnType<typeof glanceCli>;
let alice: string;
let bob: string;

beforeAll(async () => {
  if (!GLANCE) throw new Error("python3-glanceclient is not installed: apt-get install python3-glanceclient (scripts/test-all.sh does)");
  env = await makeUploadTestEnv();
  deps = glanceTestDeps(env);
  const served = path.join(env.dir, "served");
  fs.mkdirSync(served);
  fs.copyFileSync(SEED, path.join(served, "debian.qcow2"));
  execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", "/etc/passwd", "-F", "raw", path.join(served, "hostile.qcow2"), "1M"]);
  // xz's magic, then no xz stream: the import unpacks what it recognises, and fails on this one after the answer.
  fs.writeFileSync(path.join(served, "broken.qcow2.xz"), Buffer.concat([Buffer.from("fd377a585a00", "hex"), Buffer.alloc(4096, 7)]));
  files = await startFixtureServer(served);
  server = await startGlanceListener(deps, { port: 0, hostname: "127.0.0.1", trust: parseTrustedProxies(undefined) });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cli = glanceCli(url, env.dir);
  const token = async (actor: typeof env.alice) => {
    const created = await createToken(env.db, actor, { name: "glance", expiresInDays: null });
    if (!created.ok) throw new Error(created.error.message);
    return created.value.secret;
  };
  alice = await token(env.alice);
  bob = await token(env.bob);
});
afterAll(async () => {
  // Imports still running (a stalled one given up) end before the database goes.
  for (let waited = 0; waited < 60_000 && (await env.db.imageImport.count({ where: { status: { in: ["downloading", "finishing"] } } })) > 0; waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
  await validationsSettled();
  await new Promise((resolve) => server.close(resolve));
  await files.close();
  await env.close();
});

const digest = (algorithm: string, file: string) => createHash(algorithm).update(fs.readFileSync(file)).digest("hex");

async function call(token: string, method: string, pathname: string, body?: unknown, type = "application/json") {
  const answer = await fetch(`${url}${pathname}`, {
    method,
    headers: { "x-auth-token": token, ...(body === undefined ? {} : { "content-type": type }) },
    body: body === undefined ? undefined : body instanceof Uint8Array ? Buffer.from(body) : JSON.stringify(body),
  });
  const text = await answer.text();
  return {
    status: answer.status,
    headers: answer.headers,
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { error?: { message: string } },
  };
}

async function queued(token: string, name: string, attributes: Record<string, unknown> = { disk_format: "qcow2", container_format: "bare" }): Promise<string> {
  const created = await call(token, "POST", "/v2/images", { name, ...attributes });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

const webDownload = (token: string, id: string, uri: string) => call(token, "POST", `/v2/images/${id}/import`, { method: { name: "web-download", uri } });
const report = async (id: string) => (await env.db.image.findUniqueOrThrow({ where: { id } })).report ?? "";

describe("Glance's import methods, as Hangar offers them", () => {
  it("lists glance-direct and web-download in /v2/info/import, in the create's header and in `glance import-info`", async () => {
    const info = await call(alice, "GET", "/v2/info/import");
    expect(info.body).toEqual({ "import-methods": { description: "Import methods available.", type: "array", value: ["glance-direct", "web-download"] } });
    const created = await call(alice, "POST", "/v2/images", { name: "header", disk_format: "qcow2", container_format: "bare" });
    expect(created.headers.get("openstack-image-import-methods")).toBe("glance-direct,web-download");
    // glanceclient prints the document in a table, wrapping the long value over several rows.
    const printed = await cli.ok(alice, "import-info");
    expect(propertyTable(printed)).toHaveProperty("import-methods");
    const value = printed
      .split("\n")
      .filter((line) => line.startsWith("| "))
      .map((line) => line.split("|")[2] ?? "")
      .join("")
      .replace(/\s/g, "");
    expect(value).toContain('"value":["glance-direct","web-download"]');
  });
});

describe("web-download: Hangar's URL import into the queued image", () => {
  it("glance image-create-via-import --uri: importing, then active with the file's hashes, validated as any import", async () => {
    const source = path.join(env.dir, "served", "debian.qcow2");
    const created = propertyTable(
      await cli.ok(
        alice,
        ...["image-create-via-import", "--name", "debian-web", "--disk-format", "qcow2", "--container-format", "bare"],
        ...["--import-method", "web-download", "--uri", `${files.base}/debian.qcow2`],
      ),
    );
    expect(["importing", "saving", "active"]).toContain(created.status);
    const image = await cli.settled(alice, created.id);
    expect(image).toMatchObject({
      status: "active",
      disk_format: "qcow2",
      size: String(fs.statSync(source).size),
      os_hash_value: digest("sha256", source),
      hangar_validation: "passed",
    });
    expect(await report(created.id)).toContain("upload.format_match");
  });

  it("shows importing while the bytes come (a server that stalls), and the import stops with the image's deletion", async () => {
    const id = await queued(alice, "stalled");
    expect((await webDownload(alice, id, `${files.base}/stall/debian.qcow2`)).status).toBe(202);
    expect((await cli.show(alice, id)).status).toBe("importing");
    // The same image cannot take a second import, nor data, while the first runs.
    expect((await webDownload(alice, id, `${files.base}/debian.qcow2`)).status).toBe(409);
    expect((await call(alice, "PUT", `/v2/images/${id}/file`, new Uint8Array(8), "application/octet-stream")).status).toBe(409);
    await cli.ok(alice, "image-delete", id);
    expect(await env.db.image.findUnique({ where: { id } })).toBeNull();
  });

  it("a hostile image through the import ends killed with Hangar's verdict; a download that fails later kills the image with the reason", async () => {
    const hostile = await queued(alice, "hostile-web");
    expect((await webDownload(alice, hostile, `${files.base}/hostile.qcow2`)).status).toBe(202);
    expect(await cli.settled(alice, hostile)).toMatchObject({
      status: "killed",
      hangar_validation: "rejected",
      hangar_report: `https://hangar.test/images/${hostile}`,
    });
    expect(await report(hostile)).toContain("backing");

    const broken = await queued(alice, "broken-web");
    expect((await webDownload(alice, broken, `${files.base}/broken.qcow2.xz`)).status).toBe(202);
    expect(await cli.settled(alice, broken)).toMatchObject({ status: "killed", hangar_validation: "rejected" });
    const row = await env.db.image.findUniqueOrThrow({ where: { id: broken } });
    expect([row.status, Number(row.fileSize), row.storageKey]).toEqual(["rejected", 0, null]);
    expect(JSON.parse(row.report ?? "{}")).toMatchObject({ verdict: "rejected", checks: [{ id: "import.download", code: "import.failed", status: "fail" }] });
    // Its downloaded bytes went (another test's import may still be running beside it).
    const { id: importId, status, message } = await env.db.imageImport.findFirstOrThrow({ where: { imageId: broken } });
    expect([status, message]).toEqual(["failed", expect.any(String) as unknown]);
    expect(fs.readdirSync(deps.downloadDir).filter((name) => name.startsWith(importId))).toEqual([]);
  });

  it("refuses, with the reason and nothing changed: an address the import rules refuse, no uri, an unknown method, an image not queued, another project's image", async () => {
    const id = await queued(alice, "refusals");
    const metadata = await webDownload(alice, id, "http://169.254.169.254/latest/meta-data/");
    expect(metadata.status).toBe(400);
    expect(metadata.body.error?.message).toMatch(/169\.254\.169\.254/);
    expect((await webDownload(alice, id, "file:///etc/passwd")).status).toBe(400);
    const missing = await call(alice, "POST", `/v2/images/${id}/import`, { method: { name: "web-download" } });
    expect([missing.status, missing.body.error?.message]).toEqual([400, expect.stringContaining("uri") as unknown]);
    const unknown = await call(alice, "POST", `/v2/images/${id}/import`, { method: { name: "copy-image" } });
    expect([unknown.status, unknown.body.error?.message]).toEqual([
      400,
      "Import method 'copy-image' is not offered here: Hangar offers glance-direct, web-download.",
    ]);
    expect((await call(alice, "POST", `/v2/images/${id}/import`, { method: "web-download" })).status).toBe(400);
    expect((await cli.show(alice, id)).status).toBe("queued");

    const active = await env.addImage({ owner: env.alice, name: "already-active", visibility: "private" });
    expect((await webDownload(alice, active, `${files.base}/debian.qcow2`)).status).toBe(409);

    const before = await env.db.image.findUniqueOrThrow({ where: { id } });
    expect((await webDownload(bob, id, `${files.base}/debian.qcow2`)).status).toBe(404);
    expect((await call(bob, "POST", `/v2/images/${id}/import`, { method: { name: "glance-direct" } })).status).toBe(404);
    expect((await call(bob, "PUT", `/v2/images/${id}/stage`, new Uint8Array(8), "application/octet-stream")).status).toBe(404);
    expect(await env.db.image.findUniqueOrThrow({ where: { id } })).toEqual(before);
    expect(await env.db.imageImport.count({ where: { imageId: id } })).toBe(0);
  });
});

describe("glance-direct: staged, then imported", () => {
  it("glance image-create-via-import --file: staged, imported, active, with the MD5 and SHA-256 of the file", async () => {
    const created = propertyTable(
      await cli.ok(alice, "image-create-via-import", "--name", "debian-direct", "--disk-format", "qcow2", "--container-format", "bare", "--file", SEED),
    );
    const image = await cli.settled(alice, created.id);
    expect(image).toMatchObject({ status: "active", checksum: digest("md5", SEED), os_hash_value: digest("sha256", SEED), hangar_validation: "passed" });
  });

  it("staged data waits (uploading) for the import call, housekeeping leaves it; import without data or twice is a conflict", async () => {
    const id = await queued(alice, "staged");
    expect((await call(alice, "POST", `/v2/images/${id}/import`, { method: { name: "glance-direct" } })).status).toBe(409);
    const stage = await call(alice, "PUT", `/v2/images/${id}/stage`, fs.readFileSync(SEED), "application/octet-stream");
    expect(stage.status).toBe(204);
    expect((await cli.show(alice, id)).status).toBe("uploading");
    await uploadHousekeeping(deps);
    expect((await cli.show(alice, id)).status).toBe("uploading");
    expect((await call(alice, "PUT", `/v2/images/${id}/stage`, new Uint8Array(8), "application/octet-stream")).status).toBe(409);
    expect((await call(alice, "POST", `/v2/images/${id}/import`, { method: { name: "glance-direct" } })).status).toBe(202);
    expect((await call(alice, "POST", `/v2/images/${id}/import`, { method: { name: "glance-direct" } })).status).toBe(409);
    expect(await cli.settled(alice, id)).toMatchObject({ status: "active", size: String(fs.statSync(SEED).size) });
  });
});

describe("declared disk and container formats", () => {
  it("a declared raw whose bytes are QCOW2 ends killed, the report naming both", async () => {
    const created = propertyTable(
      await cli.ok(alice, "image-create", "--name", "claims-raw", "--disk-format", "raw", "--container-format", "bare", "--file", SEED),
    );
    expect(await cli.settled(alice, created.id)).toMatchObject({ status: "killed", hangar_validation: "rejected", disk_format: "qcow2" });
    const checks = (JSON.parse(await report(created.id)) as { checks: { code: string; message: string }[] }).checks;
    expect(checks[0]).toMatchObject({
      code: "upload.format_mismatch",
      message: expect.stringMatching(/declared a raw disk image, but the bytes are in the QCOW2 format/) as unknown,
    });
  });

  it("shows the declared format while queued, changes it only then, and refuses formats Hangar cannot hold with the accepted ones", async () => {
    const id = await queued(alice, "declared", { disk_format: "vmdk", container_format: "ova" });
    expect(await cli.show(alice, id)).toMatchObject({ status: "queued", disk_format: "vmdk", container_format: "bare" });
    await cli.ok(alice, "image-update", "--disk-format", "qcow2", id);
    expect((await cli.show(alice, id)).disk_format).toBe("qcow2");
    for (const disk_format of ["iso", "ami", "ploop"]) {
      const refused = await call(alice, "POST", "/v2/images", { name: `refused-${disk_format}`, disk_format, container_format: "bare" });
      expect([refused.status, refused.body.error?.message]).toEqual([400, expect.stringContaining("raw, qcow2, vmdk, vhd, vhdx, vdi") as unknown]);
    }
    const docker = await call(alice, "POST", "/v2/images", { name: "refused-docker", disk_format: "raw", container_format: "docker" });
    expect([docker.status, docker.body.error?.message]).toEqual([400, expect.stringContaining("container_format is bare") as unknown]);
    expect(await env.db.image.count({ where: { name: { startsWith: "refused-" } } })).toBe(0);

    const active = await env.addImage({ owner: env.alice, name: "format-fixed", visibility: "private" });
    const patched = await call(
      alice,
      "PATCH",
      `/v2/images/${active}`,
      [{ op: "replace", path: "/disk_format", value: "vmdk" }],
      "application/openstack-images-v2.1-json-patch",
    );
    expect(patched.status).toBe(403);
  });
});

describe("the lifecycle of images that never receive data", () => {
  it("a queued image with no data, and staged data never imported, go after the uploads' expiry, not before", async () => {
    const idle = await queued(alice, "never-fed");
    const staged = await queued(alice, "staged-forgotten");
    expect((await call(alice, "PUT", `/v2/images/${staged}/stage`, fs.readFileSync(SEED), "application/octet-stream")).status).toBe(204);
    const { queued: early } = await uploadHousekeeping(deps);
    expect(early).not.toContain(idle);
    const later = new Date(Date.now() + deps.config.expiryMs + 60_000);
    const { queued: removed, expired } = await uploadHousekeeping(deps, later);
    expect(removed).toContain(idle);
    expect(await env.db.image.findUnique({ where: { id: idle } })).toBeNull();
    expect(await env.db.image.findUnique({ where: { id: staged } })).toBeNull();
    expect(expired.length).toBeGreaterThan(0);
    expect((await cli.as(alice, "image-show", idle)).code).not.toBe(0);
  });
});
