import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKSUM_FILES, SIGNED_FILES } from "../checksums/testing/checksum-files";
import { validationsSettled } from "../catalog/validation";
import { fixtureFamily } from "../testing/fixtures";
import { ensurePersonalProject } from "../projects/personal";
import { makeUploadTestEnv, type UploadTestEnv } from "../testing/upload-env";
import { allowlistSchema, DEFAULT_IMPORT_CONFIG } from "./config";
import { startImport, type ImportRequest } from "./create";
import type { ImportDeps } from "./deps";
import { cancelImport, getImport, resumePendingImports, STALE_MS } from "./manage";
import { downloadPath } from "./run";
import { type FixtureServer, startFixtureServer } from "./testing/fixture-server";
import { IMPORT_FILES, OVA_DISK, writeImportFiles } from "./testing/import-files";

const guests = fixtureFamily("guests");
let env: UploadTestEnv;
let deps: ImportDeps;
let server: FixtureServer;
let files: string;

const sha = (algorithm: string, file: string) =>
  createHash(algorithm)
    .update(fs.readFileSync(path.join(files, file)))
    .digest("hex");

beforeAll(async () => {
  env = await makeUploadTestEnv();
  files = path.join(env.dir, "served");
  fs.mkdirSync(files);
  writeImportFiles(files, guests.file("debian12-gpt-ext4.qcow2"));
  server = await startFixtureServer(files);
  // The fixture server is on loopback: allowlisted here, as an administrator would allow an internal mirror.
  // The signer's key is trusted as an administrator would configure it (HANGAR_IMPORT_KEYS, a directory).
  const keys = path.join(files, SIGNED_FILES.keysDir);
  const imports = { ...DEFAULT_IMPORT_CONFIG, allow: allowlistSchema.parse("127.0.0.1/32"), idleTimeoutMs: 2000, keys };
  deps = { ...env.uploads, downloadDir: path.join(env.dir, "imports"), imports };
});
afterAll(async () => {
  await server.close();
  await validationsSettled();
  await env.close();
});

/** Waits until the import has ended (done, failed, cancelled) and its image's validation too. */
async function settled(id: string) {
  for (;;) {
    const row = await env.db.imageImport.findUniqueOrThrow({ where: { id } });
    if (!["downloading", "finishing"].includes(row.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await validationsSettled();
  const row = await env.db.imageImport.findUniqueOrThrow({ where: { id }, include: { image: true } });
  return row;
}

async function imported(request: Partial<ImportRequest> & { url: string }, actor = env.alice) {
  const started = await startImport(deps, actor, request);
  if (!started.ok) throw new Error(started.error.message);
  return settled(started.value.id);
}

const leftovers = () => fs.readdirSync(deps.downloadDir);

describe.skipIf(guests.skipped)("import from a URL", () => {
  it("imports a plain QCOW2 verified against a given SHA-256, through validation to a ready image", async () => {
    const row = await imported({ url: `${server.base}/${IMPORT_FILES.plain}`, checksum: `sha256:${sha("sha256", IMPORT_FILES.plain)}` });
    expect([row.status, row.packing, row.image?.status, row.image?.diskFormat, row.image?.sha256]).toEqual([
      "done",
      null,
      "ready",
      "qcow2",
      sha("sha256", IMPORT_FILES.plain),
    ]);
    expect(row.image?.name).toBe("disk");
    expect(Number(row.received)).toBe(fs.statSync(path.join(files, IMPORT_FILES.plain)).size);
    expect(leftovers()).toEqual([]);
  });

  it.each([
    ["gzip", IMPORT_FILES.gzip, "gzip"],
    ["xz", IMPORT_FILES.xz, "xz"],
    ["bzip2", IMPORT_FILES.bzip2, "bzip2"],
    ["zstd", IMPORT_FILES.zstd, "zstd"],
    ["tar", IMPORT_FILES.tar, "tar"],
    ["tar.gz", IMPORT_FILES.tarGz, "gzip+tar"],
    ["xz named .qcow2 (magic bytes, not the extension)", IMPORT_FILES.misnamed, "xz"],
  ])("unpacks %s as it streams, and the image holds the disk's own bytes", async (_, file, packing) => {
    const row = await imported({ url: `${server.base}/${file}`, checksum: `sha512:${sha("sha512", file)}`, name: `unpacked ${file}` });
    expect([row.status, row.packing, row.image?.status, row.image?.sha256]).toEqual(["done", packing, "ready", sha("sha256", IMPORT_FILES.plain)]);
  });

  it("takes the disk out of an OVA (after its descriptor and manifest)", async () => {
    const row = await imported({ url: `${server.base}/${IMPORT_FILES.ova}` });
    expect([row.status, row.packing, row.image?.diskFormat, row.image?.sha256]).toEqual(["done", "tar", "vmdk", sha("sha256", OVA_DISK)]);
  });

  it("refuses an OVA of several disks with a clear message; the image and the bytes are removed", async () => {
    const row = await imported({ url: `${server.base}/${IMPORT_FILES.ovaTwoDisks}`, name: "two disks" });
    expect(row.status).toBe("failed");
    expect(row.message).toBe(
      `The archive holds more than one disk image (${OVA_DISK} and appliance-disk2.vmdk). A Hangar image is one disk: publish each disk as a file of its own and import them one by one.`,
    );
    expect([row.imageId, await env.db.image.count({ where: { name: "two disks" } })]).toEqual([null, 0]);
    expect(leftovers()).toEqual([]);
  });

  it.each(Object.entries(CHECKSUM_FILES))("verifies against a %s checksum file (%s) fetched under the same rules", async (_, checksumFile) => {
    const row = await imported({ url: `${server.base}/${IMPORT_FILES.xz}`, checksumUrl: `${server.base}/${checksumFile}`, name: `sums ${checksumFile}` });
    const algorithm = checksumFile.includes("512") ? "sha512" : "sha256";
    expect([row.status, row.checksum, row.image?.status]).toEqual(["done", `${algorithm}:${sha(algorithm, IMPORT_FILES.xz)}`, "ready"]);
  });

  it.each([
    ["armored", SIGNED_FILES.debianSignature],
    ["binary", SIGNED_FILES.ubuntuSignature],
  ])("verifies a GNU SHA256SUMS against its detached %s signature (%s) by a trusted key", async (_, signature) => {
    const row = await imported({
      url: `${server.base}/${IMPORT_FILES.plain}`,
      checksumUrl: `${server.base}/${CHECKSUM_FILES.gnuSha256}`,
      signatureUrl: `${server.base}/${signature}`,
      name: `signed ${signature}`,
    });
    expect([row.status, row.checksum, row.image?.status]).toEqual(["done", `sha256:${sha("sha256", IMPORT_FILES.plain)}`, "ready"]);
  });

  /** Starts an import that must be refused before any byte, and gives its error; nothing is created. */
  async function refusedBeforeAnyByte(request: Partial<ImportRequest>, name: string, actorDeps = deps) {
    const started = await startImport(actorDeps, env.alice, { url: `${server.base}/${IMPORT_FILES.plain}`, name, ...request });
    expect(await env.db.image.count({ where: { name } })).toBe(0);
    expect(started.ok).toBe(false);
    return started.ok ? null : started.error;
  }

  it("refuses a signed checksum file changed after signing, and a signature of other bytes, before any byte", async () => {
    const tampered = await refusedBeforeAnyByte({ checksumUrl: `${server.base}/${SIGNED_FILES.tampered}` }, "tampered");
    expect(tampered).toMatchObject({
      code: "invalid",
      message: expect.stringMatching(/CHECKSUM\.tampered does not match its signature by Hangar test signer/) as unknown,
    });
    const other = await refusedBeforeAnyByte(
      { checksumUrl: `${server.base}/${CHECKSUM_FILES.gnuSha512}`, signatureUrl: `${server.base}/${SIGNED_FILES.wrongSignature}` },
      "wrong signature",
    );
    expect(other?.message).toMatch(/SHA512SUMS does not match its signature/);
    // Never waived: the administrator's acceptance of unknown signers is not about bad signatures.
    const lenient = { ...deps, imports: { ...deps.imports, acceptUntrustedSignatures: true } };
    expect((await refusedBeforeAnyByte({ checksumUrl: `${server.base}/${SIGNED_FILES.tampered}` }, "tampered lenient", lenient))?.message).toMatch(
      /does not match its signature/,
    );
  });

  it("refuses a file signed by a key nobody trusts, unless the key is given with the import or the administrator accepts those", async () => {
    const checksumUrl = `${server.base}/${SIGNED_FILES.stranger}`;
    const error = await refusedBeforeAnyByte({ checksumUrl }, "stranger");
    expect(error?.message).toMatch(/signed by key [0-9A-F]{16}, which is not among the keys this server trusts\. Give the signer's public key/);
    const signingKey = fs.readFileSync(path.join(files, SIGNED_FILES.strangerKey), "utf8");
    const given = await imported({ url: `${server.base}/${IMPORT_FILES.xz}`, checksumUrl, signingKey, name: "stranger's key given" });
    expect([given.status, given.checksum]).toEqual(["done", `sha256:${sha("sha256", IMPORT_FILES.xz)}`]);
    const lenient = { ...deps, imports: { ...deps.imports, acceptUntrustedSignatures: true } };
    const started = await startImport(lenient, env.alice, { url: `${server.base}/${IMPORT_FILES.plain}`, checksumUrl, name: "stranger accepted" });
    expect(started.ok).toBe(true);
    if (started.ok) expect((await settled(started.value.id)).status).toBe("done");
  });

  it("refuses a key given for an unsigned checksum file, and a signature without a checksum file", async () => {
    const key = fs.readFileSync(path.join(files, SIGNED_FILES.strangerKey), "utf8");
    const unsigned = await refusedBeforeAnyByte({ checksumUrl: `${server.base}/${CHECKSUM_FILES.gnuSha256}`, signingKey: key }, "unsigned with key");
    expect(unsigned?.message).toMatch(/is not signed, so the key given verifies nothing/);
    const alone = await refusedBeforeAnyByte({ signatureUrl: `${server.base}/${SIGNED_FILES.debianSignature}` }, "signature alone");
    expect(alone?.message).toBe("A signature or a signing key is about a checksum file: give its URL too.");
  });

  it("fails a checksum mismatch with a clear message; the image and the bytes are removed", async () => {
    const wrong = "ab".repeat(32);
    const row = await imported({ url: `${server.base}/${IMPORT_FILES.gzip}`, checksum: wrong, name: "mismatch" });
    expect(row.status).toBe("failed");
    expect(row.message).toMatch(new RegExp(`SHA-256 is ${sha("sha256", IMPORT_FILES.gzip)} but the checksum given is ${wrong}.*bytes were removed`));
    expect([row.imageId, await env.db.image.count({ where: { name: "mismatch" } })]).toEqual([null, 0]);
    expect(leftovers()).toEqual([]);
  });

  it("refuses a checksum file that does not list the file, before any byte", async () => {
    const started = await startImport(deps, env.alice, {
      url: `${server.base}/${IMPORT_FILES.plain}`,
      checksumUrl: `${server.base}/README.txt`,
      name: "unlisted",
    });
    expect(started).toMatchObject({
      ok: false,
      error: { code: "invalid", message: expect.stringMatching(/has no SHA-256 or SHA-512 for disk\.qcow2/) as unknown },
    });
    expect(await env.db.image.count({ where: { name: "unlisted" } })).toBe(0);
  });

  it("resumes with Range after the connection is cut mid-way", async () => {
    const row = await imported({ url: `${server.base}/cut/${IMPORT_FILES.zstd}`, checksum: sha("sha256", IMPORT_FILES.zstd), name: "cut" });
    const size = fs.statSync(path.join(files, IMPORT_FILES.zstd)).size;
    expect([row.status, row.message, row.attempts, row.image?.status]).toEqual(["done", null, 1, "ready"]);
    expect(server.ranges.get(`/cut/${IMPORT_FILES.zstd}`)).toEqual([null, `bytes=${Math.floor(size / 2)}-`]);
  });

  it("resumes a plain disk (written from the socket's buffers) with Range after a cut: the halves join byte for byte", async () => {
    const row = await imported({ url: `${server.base}/cut/${IMPORT_FILES.plain}`, checksum: sha("sha256", IMPORT_FILES.plain), name: "cut plain" });
    const size = fs.statSync(path.join(files, IMPORT_FILES.plain)).size;
    expect([row.status, row.message, row.attempts, row.packing, row.image?.status, row.image?.sha256]).toEqual([
      "done",
      null,
      1,
      null,
      "ready",
      sha("sha256", IMPORT_FILES.plain),
    ]);
    expect(server.ranges.get(`/cut/${IMPORT_FILES.plain}`)).toEqual([null, `bytes=${Math.floor(size / 2)}-`]);
  });

  it("resumes after a restart from the bytes on disk (the row's last progress is old: no node runs it)", async () => {
    // What a process that died mid-import leaves: its image waiting for bytes, the row downloading, half the file on disk.
    const file = IMPORT_FILES.bzip2;
    const bytes = fs.readFileSync(path.join(files, file));
    const half = Math.floor(bytes.length / 2);
    const id = "0123456789abcdef0123456789abcdef";
    const project = await ensurePersonalProject(env.db, env.alice);
    const image = await env.db.image.create({
      data: {
        name: "restarted",
        nameKey: "restarted",
        nameScope: project.id,
        visibility: "private",
        projectId: project.id,
        createdById: env.alice.id,
        status: "uploading",
        fileSize: bytes.length,
      },
    });
    const etag = (await fetch(`${server.base}/${file}`, { method: "HEAD" })).headers.get("etag");
    await env.db.imageImport.create({
      data: {
        id,
        userId: env.alice.id,
        imageId: image.id,
        url: `${server.base}/${file}`,
        fileName: file,
        status: "downloading",
        received: half,
        total: bytes.length,
        validator: etag,
        checksum: `sha256:${sha("sha256", file)}`,
      },
    });
    fs.mkdirSync(deps.downloadDir, { recursive: true });
    fs.writeFileSync(downloadPath(deps, id), bytes.subarray(0, half));
    expect(await resumePendingImports(deps)).toEqual([]);
    expect(await resumePendingImports(deps, new Date(Date.now() + 2 * STALE_MS))).toEqual([id]);
    const done = await settled(id);
    expect([done.status, done.packing, done.image?.status, done.image?.sha256]).toEqual(["done", "bzip2", "ready", sha("sha256", IMPORT_FILES.plain)]);
    expect(server.ranges.get(`/${file}`)?.at(-1)).toBe(`bytes=${half}-`);
  });

  it("is cancelled by its owner: the image goes, the bytes too; nobody else sees it", async () => {
    const started = await startImport(deps, env.alice, { url: `${server.base}/stall/${IMPORT_FILES.gzip}`, name: "cancelled" });
    if (!started.ok) throw new Error(started.error.message);
    const { id } = started.value;
    expect(await getImport(deps, env.bob, id)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await cancelImport(deps, env.bob, id)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await cancelImport(deps, env.alice, id)).toMatchObject({ ok: true, value: { status: "cancelled" } });
    const row = await settled(id);
    expect([row.status, row.imageId, await env.db.image.count({ where: { name: "cancelled" } })]).toEqual(["cancelled", null, 0]);
    expect(leftovers()).toEqual([]);
  });

  it("refuses a redirect to a forbidden address, and a URL to one, with a 4xx and nothing left behind", async () => {
    for (const url of [
      `${server.base}/to?url=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`,
      "http://[::1]:9/disk.qcow2",
      "http://10.0.0.1/x.img",
    ]) {
      const started = await startImport(deps, env.alice, { url, name: "ssrf" });
      expect(started).toMatchObject({ ok: false, error: { code: "invalid", message: expect.stringMatching(/HANGAR_IMPORT_ALLOW/) as unknown } });
    }
    expect(await env.db.image.count({ where: { name: "ssrf" } })).toBe(0);
  });

  it("applies the rules of an upload: a user may not import to the platform catalog; the quota is checked up front and while streaming", async () => {
    expect(await startImport(deps, env.bob, { url: `${server.base}/${IMPORT_FILES.plain}`, visibility: "platform" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    expect(await startImport(deps, null, { url: `${server.base}/${IMPORT_FILES.plain}` })).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
    const small = { ...deps, config: { ...deps.config, userQuota: 100_000 } };
    expect(await startImport(small, env.bob, { url: `${server.base}/${IMPORT_FILES.plain}`, name: "over" })).toMatchObject({
      ok: false,
      error: { code: "quota_exceeded" },
    });
    // No length announced: the quota stops it while it streams.
    const started = await startImport(small, env.bob, { url: `${server.base}/chunked/${IMPORT_FILES.plain}`, name: "over streaming" });
    if (!started.ok) throw new Error(started.error.message);
    const row = await settled(started.value.id);
    expect([row.status, row.imageId]).toEqual(["failed", null]);
    expect(row.message).toMatch(/quota/);
  });

  it("lands in the importer's personal project, or in a project given, where the importer may add images", async () => {
    const personal = await ensurePersonalProject(env.db, env.alice);
    const own = await imported({ url: `${server.base}/${IMPORT_FILES.plain}`, name: "personal import" });
    expect(await env.db.image.findUniqueOrThrow({ where: { id: own.imageId ?? "" }, select: { projectId: true, createdById: true } })).toEqual({
      projectId: personal.id,
      createdById: env.alice.id,
    });
    const team = await env.db.project.create({
      data: { name: "import-team", nameKey: "import-team", kind: "team", members: { create: [{ userId: env.alice.id, role: "member" }] } },
    });
    const teamImport = await imported({ url: `${server.base}/${IMPORT_FILES.plain}`, name: "team import", project: team.id });
    expect(await env.db.image.findUniqueOrThrow({ where: { id: teamImport.imageId ?? "" }, select: { projectId: true, nameScope: true } })).toEqual({
      projectId: team.id,
      nameScope: team.id,
    });
    // Bob is no member of the team: the project is not his to add to, and nothing is created.
    const refused = await startImport(deps, env.bob, { url: `${server.base}/${IMPORT_FILES.plain}`, name: "intruder", project: team.id });
    expect(refused.ok).toBe(false);
    expect(await env.db.image.count({ where: { projectId: team.id, name: "intruder" } })).toBe(0);
  });
});
