import { describe, expect, it } from "vitest";
import { containerLabel, convertsOnServer } from "./convertible";
import type { Check } from "./report";

const check = (id: string, status: Check["status"]): Check => ({ id, code: `${id}.x`, status, message: "" });
const vhd = { format: "vhd" as const, virtualSize: 1, fileSize: 1, verdict: "rejected" as const };

describe("what the server converts", () => {
  it("converts a convertible format refused for its container alone", () => {
    expect(convertsOnServer({ ...vhd, checks: [check("format.supported", "fail"), check("format.safe", "pass"), check("format.integrity", "pass")] })).toBe(
      true,
    );
    // The browser's quick depth does not walk the tables: an integrity check it skipped is no failure.
    expect(convertsOnServer({ ...vhd, checks: [check("format.supported", "fail"), check("format.safe", "warn"), check("format.integrity", "skip")] })).toBe(
      true,
    );
  });
  it("does not convert an unsafe, damaged or unknown one, nor one with a failed guest", () => {
    expect(convertsOnServer({ ...vhd, checks: [check("format.supported", "fail"), check("format.safe", "fail"), check("format.integrity", "pass")] })).toBe(
      false,
    );
    expect(convertsOnServer({ ...vhd, checks: [check("format.supported", "fail"), check("format.safe", "pass"), check("format.integrity", "fail")] })).toBe(
      false,
    );
    expect(convertsOnServer({ ...vhd, checks: [check("format.supported", "fail"), check("format.safe", "skip")] })).toBe(false);
    expect(convertsOnServer({ ...vhd, checks: [check("format.supported", "fail"), check("format.safe", "pass"), check("virtio.disk", "fail")] })).toBe(false);
    expect(convertsOnServer({ ...vhd, format: "zip", checks: [check("format.supported", "fail"), check("format.safe", "pass")] })).toBe(false);
    expect(convertsOnServer({ ...vhd, format: "qcow2", checks: [check("format.supported", "pass"), check("format.safe", "pass")] })).toBe(false);
    expect(convertsOnServer({ verdict: "rejected", checks: [check("format.supported", "fail")] })).toBe(false);
  });
  it("names the container as reports do", () => {
    expect(containerLabel("vhd", "dynamic")).toBe("VHD (dynamic)");
    expect(containerLabel("vdi")).toBe("VDI");
  });
});
