import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importConfig } from "./config";
import { testCertificateAuthority } from "./testing/tls-certificates";

describe("the import configuration's signature settings", () => {
  it("trusts no key and refuses unknown signers by default", () => {
    expect(importConfig({})).toMatchObject({ keys: null, acceptUntrustedSignatures: false });
  });

  it("reads HANGAR_IMPORT_KEYS and HANGAR_IMPORT_UNTRUSTED_SIGNATURES", () => {
    expect(importConfig({ HANGAR_IMPORT_KEYS: " /etc/hangar/keys ", HANGAR_IMPORT_UNTRUSTED_SIGNATURES: "Accept" })).toMatchObject({
      keys: "/etc/hangar/keys",
      acceptUntrustedSignatures: true,
    });
    expect(importConfig({ HANGAR_IMPORT_UNTRUSTED_SIGNATURES: "refuse" }).acceptUntrustedSignatures).toBe(false);
  });

  it("stops on a value it does not know, naming the variable and what it takes", () => {
    expect(() => importConfig({ HANGAR_IMPORT_UNTRUSTED_SIGNATURES: "yes" })).toThrow('HANGAR_IMPORT_UNTRUSTED_SIGNATURES="yes" is not refuse or accept.');
  });
});

describe("the import configuration's CA file", () => {
  it("trusts the system's CAs only by default, and reads HANGAR_IMPORT_CA_FILE's certificates at start", () => {
    expect(importConfig({}).ca).toBeNull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-ca-"));
    const { caFile } = testCertificateAuthority(dir);
    expect(importConfig({ HANGAR_IMPORT_CA_FILE: caFile }).ca).toBe(fs.readFileSync(caFile, "utf8"));
    fs.rmSync(dir, { recursive: true });
  });

  it("stops on a file it cannot read, or one that holds no certificate", () => {
    expect(() => importConfig({ HANGAR_IMPORT_CA_FILE: "/nonexistent/ca.pem" })).toThrow(
      'HANGAR_IMPORT_CA_FILE="/nonexistent/ca.pem" is not a readable PEM file of CA certificates.',
    );
    const notPem = path.join(os.tmpdir(), `hangar-not-a-ca-${process.pid}.txt`);
    fs.writeFileSync(notPem, "not a certificate\n");
    expect(() => importConfig({ HANGAR_IMPORT_CA_FILE: notPem })).toThrow(/HANGAR_IMPORT_CA_FILE=.* is not a readable PEM file/);
    fs.rmSync(notPem);
  });
});
