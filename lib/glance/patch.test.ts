import { describe, expect, it } from "vitest";
import { applyPatch, patchSchema } from "./patch";

const doc = { name: "debian-12", visibility: "private", os_hidden: false, tags: ["golden"], min_ram: 0, os_distro: "debian", team: "infra" };
const patch = (operations: unknown) => {
  const parsed = patchSchema.parse(operations);
  return applyPatch(doc, parsed);
};

describe("Glance's v2.1 JSON patch", () => {
  it("add is an upsert: it sets a new property and replaces an existing one", () => {
    expect(patch([{ op: "add", path: "/owner_team", value: "ops" }])).toEqual({ ok: true, value: { ...doc, owner_team: "ops" } });
    expect(patch([{ op: "add", path: "/os_distro", value: "ubuntu" }])).toEqual({ ok: true, value: { ...doc, os_distro: "ubuntu" } });
  });

  it("replace and remove need a custom property to exist (409), as Glance answers; replace sets a property the schema names even unset", () => {
    expect(patch([{ op: "replace", path: "/os_version", value: "12" }])).toEqual({ ok: true, value: { ...doc, os_version: "12" } });
    expect(patch([{ op: "replace", path: "/name", value: "debian-13" }])).toEqual({ ok: true, value: { ...doc, name: "debian-13" } });
    expect(patch([{ op: "replace", path: "/missing", value: "x" }])).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(patch([{ op: "remove", path: "/team" }])).toEqual({ ok: true, value: { ...doc, team: undefined } });
    expect(patch([{ op: "remove", path: "/missing" }])).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  it("refuses read-only attributes (403) and the removal of core ones", () => {
    expect(patch([{ op: "replace", path: "/status", value: "active" }])).toMatchObject({
      ok: false,
      error: { code: "forbidden", message: "Attribute 'status' is read-only." },
    });
    expect(patch([{ op: "add", path: "/hangar_validation", value: "passed" }])).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(patch([{ op: "remove", path: "/name" }])).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("applies operations in order, and unescapes RFC 6901 paths", () => {
    const result = patch([
      { op: "add", path: "/a~1b", value: "1" },
      { op: "replace", path: "/a~1b", value: "2" },
      { op: "add", path: "/c~0d", value: "3" },
    ]);
    expect(result).toEqual({ ok: true, value: { ...doc, "a/b": "2", "c~d": "3" } });
  });

  it("patches top-level attributes only", () => {
    expect(patch([{ op: "add", path: "/tags/-", value: "x" }])).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(patch([{ op: "add", path: "name", value: "x" }])).toMatchObject({ ok: false, error: { code: "invalid" } });
  });

  it("leaves the document it was given as it was", () => {
    const before = JSON.stringify(doc);
    patch([{ op: "remove", path: "/team" }]);
    expect(JSON.stringify(doc)).toBe(before);
  });

  it("refuses what is not a patch", () => {
    for (const body of [{ op: "add" }, [{ op: "move", from: "/a", path: "/b" }], [{ op: "add", path: "/a" }], "x", [{ op: "remove", path: "/a", value: 1 }]])
      expect(patchSchema.safeParse(body).success).toBe(false);
  });
});
