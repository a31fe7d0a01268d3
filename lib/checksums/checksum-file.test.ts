import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseChecksum } from "./checksum";
import { checksumFor, parseChecksumFile } from "./checksum-file";
import { CHECKSUM_FILES, writeChecksumFiles } from "./testing/checksum-files";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-checksums-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const hash = (algorithm: string, file: string) =>
  createHash(algorithm)
    .update(fs.readFileSync(path.join(dir, file)))
    .digest("hex");

describe("checksum files as distributions publish them", () => {
  const files = ["debian-12-generic-amd64.qcow2", "Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2", "name with spaces.raw"];
  files.forEach((file, i) => fs.writeFileSync(path.join(dir, file), `disk ${i}\n`.repeat(1000 + i)));
  writeChecksumFiles(dir, files);

  for (const [kind, name] of Object.entries(CHECKSUM_FILES)) {
    it(`${kind} (${name}), written by coreutils${kind === "bsdSigned" ? " and clear-signed by gpg" : ""}`, () => {
      const parsed = parseChecksumFile(fs.readFileSync(path.join(dir, name), "utf8"));
      expect(parsed.signed).toBe(kind === "bsdSigned");
      for (const file of files) {
        const entry = checksumFor(parsed, file);
        const algorithm = name.includes("512") ? "sha512" : "sha256";
        expect(entry, file).toEqual({ algorithm, hex: hash(algorithm, file), fileName: file });
      }
      expect(checksumFor(parsed, "missing.qcow2")).toBeNull();
    });
  }

  it("reads Fedora's CHECKSUM as published (clear-signed, comments, dash-escaped lines)", () => {
    const text = [
      "-----BEGIN PGP SIGNED MESSAGE-----",
      "Hash: SHA256",
      "",
      "# Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2: 494927872 bytes",
      `SHA256 (Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2) = ${"ab".repeat(32)}`,
      "- -----not a signature, dash-escaped",
      "-----BEGIN PGP SIGNATURE-----",
      "",
      "iHUEARYIAB0WIQ==",
      `SHA256 (outside-the-body.qcow2) = ${"cd".repeat(32)}`,
      "-----END PGP SIGNATURE-----",
    ].join("\r\n");
    const parsed = parseChecksumFile(text);
    expect(parsed.entries).toEqual([{ algorithm: "sha256", hex: "ab".repeat(32), fileName: "Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2" }]);
  });

  it("prefers SHA-512, matches ./ and directory prefixes, skips MD5 and SHA-1 and lines that lie about their length", () => {
    const text = [
      `${"1".repeat(32)}  disk.qcow2`,
      `${"2".repeat(40)}  disk.qcow2`,
      `${"3".repeat(64)} *./images/disk.qcow2`,
      `${"4".repeat(128)}  disk.qcow2`,
      `SHA256 (short.qcow2) = ${"5".repeat(63)}`,
      `\\${"6".repeat(64)}  back\\\\slash\\nnewline.img`,
    ].join("\n");
    const parsed = parseChecksumFile(text);
    expect(checksumFor(parsed, "disk.qcow2")).toMatchObject({ algorithm: "sha512", hex: "4".repeat(128) });
    expect(parsed.entries.filter((e) => e.algorithm === "sha256").map((e) => e.fileName)).toEqual(["./images/disk.qcow2", "back\\slash\nnewline.img"]);
    expect(checksumFor(parsed, "short.qcow2")).toBeNull();
  });

  it("parses a checksum given as sha256:, sha512: or bare hex, and refuses other lengths", () => {
    expect(parseChecksum(`sha256:${"A".repeat(64)}`)).toEqual({ algorithm: "sha256", hex: "a".repeat(64) });
    expect(parseChecksum("b".repeat(128))).toEqual({ algorithm: "sha512", hex: "b".repeat(128) });
    expect(parseChecksum(`sha512:${"c".repeat(64)}`)).toBeNull();
    expect(parseChecksum("d".repeat(40))).toBeNull();
    expect(parseChecksum("not hex")).toBeNull();
  });
});
