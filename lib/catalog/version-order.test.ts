import { describe, expect, it } from "vitest";
import { compareVersions, familySchema, newestFirst, versionKey, versionSchema } from "./version-order";

const sorted = (versions: string[]) => [...versions].sort(compareVersions);

describe("the order of versions", () => {
  it("compares digit runs as numbers, not as text", () => {
    expect(sorted(["1.10", "1.9", "1.2", "1.100"])).toEqual(["1.2", "1.9", "1.10", "1.100"]);
    expect(sorted(["2026.12.06", "2026.1.31", "2025.12.31", "2026.12.6.1"])).toEqual(["2025.12.31", "2026.1.31", "2026.12.06", "2026.12.6.1"]);
    expect(compareVersions("build-9", "build-10")).toBeLessThan(0);
  });

  it("holds numbers larger than 2^53 exactly", () => {
    expect(compareVersions("20261206123456789012", "20261206123456789013")).toBeLessThan(0);
    expect(compareVersions("1.9007199254740993", "1.9007199254740992")).toBeGreaterThan(0);
  });

  it("sorts ~ before everything, even the end, as Debian does for pre-releases", () => {
    expect(sorted(["1.0", "1.0~rc1", "1.0~beta2", "1.0~~", "1.0+1", "0.9"])).toEqual(["0.9", "1.0~~", "1.0~beta2", "1.0~rc1", "1.0", "1.0+1"]);
  });

  it("sorts the end before letters, letters before other characters, uppercase before lowercase", () => {
    expect(sorted(["1.0+b", "1.0a", "1.0", "1.0A", "1.0-1"])).toEqual(["1.0", "1.0A", "1.0a", "1.0+b", "1.0-1"]);
    // dpkg: "1.0" < "1.0a" but "1.0" < "1.0.1" and "1.0a" < "1.0.1" (letters before the dot).
    expect(compareVersions("1.0a", "1.0.1")).toBeLessThan(0);
  });

  it("takes leading zeros and absent numbers as the same value", () => {
    for (const [a, b] of [
      ["1.0", "1.00"],
      ["007", "7"],
      ["1.0", "1."],
      ["a", "a0"],
      ["1.01", "1.1"],
    ] as const) {
      expect([a, b, compareVersions(a, b)]).toEqual([a, b, 0]);
      expect(versionKey(a)).toBe(versionKey(b));
    }
  });

  it("gives versions that differ different keys", () => {
    const versions = ["1", "1.0", "1.0.0", "1.0~rc1", "1.0a", "1.0A", "10", "1.10", "1.1", "1a1", "1-1", "1+1"];
    for (const a of versions) for (const b of versions) expect([a, b, versionKey(a) === versionKey(b)]).toEqual([a, b, compareVersions(a, b) === 0]);
  });

  it("is a total order: antisymmetric and transitive over a mixed set", () => {
    const versions = ["1.0~rc1", "1.0", "1.0a", "1.0+b1", "1.0.1", "1.2", "1.10", "2", "2026.12.06", "2026.12.06.1", "~", "0", "a", "A"];
    for (const a of versions)
      for (const b of versions) {
        expect([a, b, Math.sign(compareVersions(a, b)) + Math.sign(compareVersions(b, a))]).toEqual([a, b, 0]);
        for (const c of versions) if (compareVersions(a, b) < 0 && compareVersions(b, c) < 0) expect([a, b, c, compareVersions(a, c)]).toEqual([a, b, c, -1]);
      }
  });

  it("orders a history newest first", () => {
    const history = [{ version: "1.2" }, { version: "1.10" }, { version: "1.10~rc1" }].sort(newestFirst).map((entry) => entry.version);
    expect(history).toEqual(["1.10", "1.10~rc1", "1.2"]);
  });
});

describe("the spelling of versions and families", () => {
  it("accepts what builds publish, refuses spaces, slashes, @ and overlong values with a message", () => {
    for (const good of ["2026.12.06", "1.4.2", "1.0~rc1", "2.0+build.42", "v3_1-beta"]) expect(versionSchema.safeParse(good).success).toBe(true);
    for (const bad of ["", "-1", "1 2", "1/2", "1@2", "x".repeat(65), ".1"]) {
      const parsed = versionSchema.safeParse(bad);
      expect([bad, parsed.success]).toEqual([bad, false]);
      expect(parsed.error?.issues[0]?.message).toMatch(/A version is/);
    }
    expect(versionSchema.safeParse("Latest").error?.issues[0]?.message).toMatch(/FAMILY@latest names the newest/);
    for (const good of ["debian-12-golden", "ubuntu24.04", "a"]) expect(familySchema.safeParse(good).success).toBe(true);
    for (const bad of ["Debian", "-x", "a@b", "a b", "x".repeat(64)]) expect([bad, familySchema.safeParse(bad).success]).toEqual([bad, false]);
  });
});
