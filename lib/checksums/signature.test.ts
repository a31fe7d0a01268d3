import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PublicKey } from "openpgp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksumFor, parseChecksumFile } from "./checksum-file";
import { parseKeys, verifyClearSigned, verifyDetached } from "./signature";
import { CHECKSUM_FILES, SIGNED_FILES, writeChecksumFiles } from "./testing/checksum-files";

let dir: string;
let signer: PublicKey[];
let stranger: PublicKey[];
const read = (name: string) => fs.readFileSync(path.join(dir, name));
const text = (name: string) => read(name).toString("utf8");

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-signatures-"));
  fs.writeFileSync(path.join(dir, "disk.qcow2"), "a disk\n");
  fs.writeFileSync(path.join(dir, "disk.qcow2.xz"), "a compressed disk\n");
  writeChecksumFiles(dir, ["disk.qcow2", "disk.qcow2.xz"]);
  signer = await parseKeys(read(path.join(SIGNED_FILES.keysDir, "signer.asc")));
  stranger = await parseKeys(read(SIGNED_FILES.strangerKey));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("signed checksum files, signed by gpg", () => {
  it("verifies a clear-signed BSD CHECKSUM (Fedora, Rocky) and gives the signed lines and the signer", async () => {
    const result = await verifyClearSigned("CHECKSUM", text(CHECKSUM_FILES.bsdSigned), signer);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.signer).toMatch(/^Hangar test signer <signer@hangar\.test> \([0-9A-F]{40}\)$/);
    expect(checksumFor(parseChecksumFile(result.value.text), "disk.qcow2")?.algorithm).toBe("sha256");
    expect(result.value.text).not.toContain("BEGIN PGP");
  });

  it.each([
    ["armored (Debian's SHA256SUMS.sign)", SIGNED_FILES.debianSignature],
    ["binary (a .gpg)", SIGNED_FILES.ubuntuSignature],
  ])("verifies a detached signature, %s, of a GNU SHA256SUMS", async (_, signature) => {
    const result = await verifyDetached("SHA256SUMS", read(CHECKSUM_FILES.gnuSha256), read(signature), signer);
    expect(result).toMatchObject({ ok: true, value: { text: text(CHECKSUM_FILES.gnuSha256) } });
  });

  it("refuses a clear-signed file changed after signing, as a bad signature (never waived)", async () => {
    const result = await verifyClearSigned("CHECKSUM", text(SIGNED_FILES.tampered), signer);
    expect(result).toMatchObject({ ok: false, kind: "bad_signature", unverified: null });
    if (!result.ok) expect(result.message).toMatch(/^CHECKSUM does not match its signature by Hangar test signer .*changed after it was signed/);
  });

  it("refuses a detached signature of other bytes, as a bad signature", async () => {
    const result = await verifyDetached("SHA512SUMS", read(CHECKSUM_FILES.gnuSha512), read(SIGNED_FILES.wrongSignature), signer);
    expect(result).toMatchObject({ ok: false, kind: "bad_signature" });
  });

  it("calls a signature by a key nobody trusts untrusted, naming the key; the stranger's key given verifies it", async () => {
    for (const keys of [[], signer]) {
      const result = await verifyClearSigned("CHECKSUM.stranger", text(SIGNED_FILES.stranger), keys);
      expect(result).toMatchObject({
        ok: false,
        kind: "untrusted",
        message: expect.stringMatching(/signed by key [0-9A-F]{16}, which is not among the keys/) as unknown,
      });
      if (!result.ok) expect(result.unverified).toContain("SHA256 (disk.qcow2) = ");
    }
    expect(await verifyClearSigned("CHECKSUM.stranger", text(SIGNED_FILES.stranger), [...signer, ...stranger])).toMatchObject({
      ok: true,
      value: { signer: expect.stringContaining("stranger@hangar.test") as unknown },
    });
  });

  it("does not count lines put before the signed part", async () => {
    const forged = `SHA256 (evil.qcow2) = ${"e".repeat(64)}\n` + text(CHECKSUM_FILES.bsdSigned);
    const result = await verifyClearSigned("CHECKSUM", forged, signer);
    if (result.ok) expect(result.value.text).not.toContain("evil");
    else expect(result.kind).toBe("bad_signature");
  });

  it("refuses what is not a signature at all", async () => {
    expect(await verifyDetached("SHA256SUMS", read(CHECKSUM_FILES.gnuSha256), Buffer.from("not a signature"), signer)).toMatchObject({
      ok: false,
      kind: "bad_signature",
    });
  });
});
