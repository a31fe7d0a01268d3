import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKSUM_FILES, SIGNED_FILES, writeChecksumFiles } from "../checksums/testing/checksum-files";
import { type FixtureServer, startFixtureServer } from "../imports/testing/fixture-server";
import { qemuImg } from "../inspect/testing/qemu-img";
import { startHangarServer, type HangarServer } from "../testing/hangar-server";
import { runCli } from "../testing/run-cli";
import { EXIT } from "./exit-codes";

// `hangar import` as a child process against the running production server, which imports from a
// mirror on loopback (allowlisted, as an administrator allows an internal mirror) and trusts the
// signer's key made by gpg for the occasion.

const DISK = "tiny.qcow2";
let server: HangarServer;
let mirror: FixtureServer;
let served: string;
let work: string;
let token: string;

const hangar = (args: string[]) =>
  runCli(args, { env: { HANGAR_URL: server.url, HANGAR_TOKEN: token, XDG_CONFIG_HOME: path.join(work, "config") }, cwd: work });
const sha256 = (file: string) =>
  createHash("sha256")
    .update(fs.readFileSync(path.join(served, file)))
    .digest("hex");

beforeAll(async () => {
  served = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-cli-mirror-"));
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-cli-import-"));
  qemuImg(["create", "-f", "qcow2", path.join(served, DISK), "64M"]);
  writeChecksumFiles(served, [DISK]);
  mirror = await startFixtureServer(served);
  server = await startHangarServer({ HANGAR_IMPORT_ALLOW: "127.0.0.1/32", HANGAR_IMPORT_KEYS: path.join(served, SIGNED_FILES.keysDir) });
  token = (await server.token(server.demo, { name: "cli import" })).secret;
});
afterAll(async () => {
  await mirror.close();
  await server.close();
  for (const dir of [served, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("hangar import", () => {
  it("imports a file verified against its SHA-256 and prints the image's id", async () => {
    const result = await hangar(["import", `${mirror.base}/${DISK}`, "--sha256", sha256(DISK), "--name", "cli-imported"]);
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(result.stderr).toMatch(/Imported .*, sha256 verified\./);
    const image = await server.db.image.findFirstOrThrow({ where: { name: "cli-imported" } });
    expect(result.stdout.trim()).toBe(image.id);
  });

  it("fails a checksum mismatch with exit code 1 and both digests; no image is left", async () => {
    const wrong = "ab".repeat(32);
    const result = await hangar(["import", `${mirror.base}/${DISK}`, "--sha256", wrong, "--name", "cli-mismatch"]);
    expect(result.code).toBe(EXIT.failed);
    expect(result.stderr).toMatch(
      new RegExp(`The import failed: The downloaded file's SHA-256 is ${sha256(DISK)} but the checksum given is ${wrong}: .*its bytes were removed\\.`),
    );
    expect(result.stdout).toBe("");
    expect(await server.db.image.count({ where: { name: "cli-mismatch" } })).toBe(0);
  });

  it("verifies a clear-signed CHECKSUM and a detached signature against the server's keys", async () => {
    const clear = await hangar(["import", `${mirror.base}/${DISK}`, "--checksum-url", `${mirror.base}/${CHECKSUM_FILES.bsdSigned}`, "--name", "cli-clear"]);
    expect(clear.code, clear.stderr).toBe(EXIT.ok);
    const detached = await hangar([
      "import",
      `${mirror.base}/${DISK}`,
      "--checksum-url",
      `${mirror.base}/${CHECKSUM_FILES.gnuSha256}`,
      "--signature-url",
      `${mirror.base}/${SIGNED_FILES.debianSignature}`,
      "--name",
      "cli-detached",
    ]);
    expect(detached.code, detached.stderr).toBe(EXIT.ok);
  });

  it("refuses a tampered checksum file and an unknown signer with exit code 5; a signer's key given with --signing-key counts", async () => {
    const tampered = await hangar(["import", `${mirror.base}/${DISK}`, "--checksum-url", `${mirror.base}/${SIGNED_FILES.tampered}`, "--name", "cli-tampered"]);
    expect(tampered.code).toBe(EXIT.rejected);
    expect(tampered.stderr).toMatch(/does not match its signature by Hangar test signer/);
    const strangerUrl = `${mirror.base}/${SIGNED_FILES.stranger}`;
    const unknown = await hangar(["import", `${mirror.base}/${DISK}`, "--checksum-url", strangerUrl, "--name", "cli-stranger"]);
    expect(unknown.code).toBe(EXIT.rejected);
    expect(unknown.stderr).toMatch(/not among the keys this server trusts\. Give the signer's public key/);
    const keyed = await hangar([
      "import",
      `${mirror.base}/${DISK}`,
      "--checksum-url",
      strangerUrl,
      "--signing-key",
      path.join(served, SIGNED_FILES.strangerKey),
      "--name",
      "cli-stranger-keyed",
    ]);
    expect(keyed.code, keyed.stderr).toBe(EXIT.ok);
    expect(await server.db.image.count({ where: { name: { in: ["cli-tampered", "cli-stranger"] } } })).toBe(0);
  });

  it("refuses a --signing-key file that cannot be read with exit code 2, before asking the server", async () => {
    const result = await hangar([
      "import",
      `${mirror.base}/${DISK}`,
      "--checksum-url",
      `${mirror.base}/${CHECKSUM_FILES.bsdSigned}`,
      "--signing-key",
      "missing.asc",
    ]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/--signing-key: missing\.asc cannot be read \(ENOENT\)/);
  });
});
