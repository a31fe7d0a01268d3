import { describe, expect, it } from "vitest";
import { DECLARABLE_FORMATS, declaredFormatCheck, isDeclarableFormat } from "./declared-format";

describe("a declared disk format against what inspection found", () => {
  it("says nothing when nothing Hangar takes was declared", () => {
    expect(declaredFormatCheck(null, { stored: "qcow2", original: null })).toBeNull();
    expect(declaredFormatCheck("iso", { stored: "iso9660", original: null })).toBeNull();
  });

  it("passes when the bytes are the format declared, as received (converted on the server) or as stored", () => {
    expect(declaredFormatCheck("qcow2", { stored: "qcow2", original: null })).toMatchObject({
      id: "upload.format",
      code: "upload.format_match",
      status: "pass",
    });
    expect(declaredFormatCheck("vhd", { stored: "qcow2", original: "vhd" })).toMatchObject({
      status: "pass",
      message: expect.stringContaining("VHD") as unknown,
    });
  });

  it("fails a declared raw whose bytes are QCOW2 (the attack a format inspector exists for), and the other way round, naming both", () => {
    const raw = declaredFormatCheck("raw", { stored: "qcow2", original: null });
    expect(raw).toMatchObject({ code: "upload.format_mismatch", status: "fail" });
    expect(raw?.message).toContain("declared a raw disk image, but the bytes are in the QCOW2 format");
    expect(raw?.fix).toContain("qemu-img info");
    expect(declaredFormatCheck("qcow2", { stored: "raw", original: null })).toMatchObject({ status: "fail" });
    expect(declaredFormatCheck("vmdk", { stored: "qcow2", original: "vdi" })?.message).toContain("VDI");
    expect(declaredFormatCheck("raw", { stored: undefined, original: null })?.message).toContain("in the unknown format");
  });

  it("takes the formats Hangar stores or converts, and no other", () => {
    expect(DECLARABLE_FORMATS).toEqual(["raw", "qcow2", "vmdk", "vhd", "vhdx", "vdi"]);
    expect(["iso", "ami", "ari", "aki", "ploop", "qed", "", null, undefined].map((format) => isDeclarableFormat(format))).toEqual(Array(9).fill(false));
  });
});
