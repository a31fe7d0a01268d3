import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validationsSettled } from "../catalog/validation";
import { fixtureFamily } from "../testing/fixtures";
import { makeUploadTestEnv, type UploadTestEnv } from "../testing/upload-env";
import { allowlistSchema, importConfig } from "./config";
import { startImport } from "./create";
import type { ImportDeps } from "./deps";
import { type FixtureServer, startFixtureServer } from "./testing/fixture-server";
import { IMPORT_FILES, writeImportFiles } from "./testing/import-files";
import { testCertificateAuthority } from "./testing/tls-certificates";

// Imports over https from a mirror on loopback whose certificate an internal CA made at test time signed,
// trusted as an administrator would trust it: HANGAR_IMPORT_CA_FILE.
const guests = fixtureFamily("guests");
let env: UploadTestEnv;
let deps: ImportDeps;
let mirror: FixtureServer;
let wrongName: FixtureServer;
let plainHttp: FixtureServer;
let files: string;
let digest: string;

beforeAll(async () => {
  env = await makeUploadTestEnv();
  files = path.join(env.dir, "served");
  fs.mkdirSync(files);
  writeImportFiles(files, guests.file("debian12-gpt-ext4.qcow2"));
  digest = createHash("sha256")
    .update(fs.readFileSync(path.join(files, IMPORT_FILES.plain)))
    .digest("hex");
  const authority = testCertificateAuthority(path.join(env.dir, "pki"));
  mirror = await startFixtureServer(files, authority.issue("mirror", ["IP:127.0.0.1", "DNS:localhost"]));
  // Signed by the trusted CA, but for another host than the one the URL names.
  wrongName = await startFixtureServer(files, authority.issue("elsewhere", ["DNS:mirror.elsewhere.example"]));
  plainHttp = await startFixtureServer(files);
  const imports = importConfig({ HANGAR_IMPORT_ALLOW: "127.0.0.1/32", HANGAR_IMPORT_IDLE_TIMEOUT: "2s", HANGAR_IMPORT_CA_FILE: authority.caFile });
  deps = { ...env.uploads, downloadDir: path.join(env.dir, "imports"), imports };
});
afterAll(async () => {
  await Promise.all([mirror.close(), wrongName.close(), plainHttp.close()]);
  await validationsSettled();
  await env.close();
});

async function imported(url: string, name: string) {
  const started = await startImport(deps, env.alice, { url, checksum: `sha256:${digest}`, name });
  if (!started.ok) return { refused: started.error.message };
  for (;;) {
    const row = await env.db.imageImport.findUniqueOrThrow({ where: { id: started.value.id }, include: { image: true } });
    if (!["downloading", "finishing"].includes(row.status)) {
      await validationsSettled();
      return { row: await env.db.imageImport.findUniqueOrThrow({ where: { id: row.id }, include: { image: true } }) };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(guests.skipped)("import over https", () => {
  it("imports a plain disk from a mirror whose CA the administrator trusts", async () => {
    const { row } = await imported(`${mirror.base}/${IMPORT_FILES.plain}`, "tls plain");
    expect([row?.status, row?.message, row?.image?.status, row?.image?.sha256]).toEqual(["done", null, "ready", digest]);
    expect(row?.finalUrl).toBe(`${mirror.base}/${IMPORT_FILES.plain}`);
  });

  it("follows a redirect from http to https", async () => {
    const target = `${mirror.base}/${IMPORT_FILES.plain}`;
    const { row } = await imported(`${plainHttp.base}/to?url=${encodeURIComponent(target)}`, "tls redirect");
    expect([row?.status, row?.finalUrl, row?.image?.status, row?.image?.sha256]).toEqual(["done", target, "ready", digest]);
  });

  it("resumes with Range over https after a cut: the halves join byte for byte", async () => {
    const { row } = await imported(`${mirror.base}/cut/${IMPORT_FILES.plain}`, "tls cut");
    const size = fs.statSync(path.join(files, IMPORT_FILES.plain)).size;
    expect([row?.status, row?.attempts, row?.image?.status, row?.image?.sha256]).toEqual(["done", 1, "ready", digest]);
    expect(mirror.ranges.get(`/cut/${IMPORT_FILES.plain}`)).toEqual([null, `bytes=${Math.floor(size / 2)}-`]);
  });

  it("refuses a certificate that is not for the host, with a clear message and nothing left behind", async () => {
    const result = await imported(`${wrongName.base}/${IMPORT_FILES.plain}`, "tls wrong name");
    expect(result.refused).toMatch(/^The server's TLS certificate is not for this host \(.*127\.0\.0\.1.*\): the import was refused\./);
    expect(await env.db.image.count({ where: { name: "tls wrong name" } })).toBe(0);
    expect(fs.readdirSync(deps.downloadDir)).toEqual([]);
  });

  it("refuses a mirror whose CA is not trusted (without HANGAR_IMPORT_CA_FILE)", async () => {
    const untrusting = deps;
    deps = { ...deps, imports: { ...deps.imports, ca: null, allow: allowlistSchema.parse("127.0.0.1/32") } };
    try {
      const result = await imported(`${mirror.base}/${IMPORT_FILES.plain}`, "tls untrusted");
      expect(result.refused).toMatch(/^The server's TLS certificate was issued by a certificate authority this server does not trust/);
    } finally {
      deps = untrusting;
    }
  });
});
