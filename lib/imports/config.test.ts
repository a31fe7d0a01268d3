import { describe, expect, it } from "vitest";
import { importConfig } from "./config";

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
