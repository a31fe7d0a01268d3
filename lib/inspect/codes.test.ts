import { describe, expect, it } from "vitest";
import { CODE_PATTERN, defineOutcomes, fill, ROWS } from "./codes";

describe("code tables", () => {
  const SAY = defineOutcomes("cloudinit.installed", {
    installed: { status: "pass", message: "cloud-init is installed ({program})." },
    not_installed: { status: "fail", message: "cloud-init is not installed.", fix: "sudo apt-get install -y {packages}" },
    "guest.unreadable": { status: "fail", message: "Hangar could not read the guest's files: {reason}" },
  });

  it("names each outcome <area>.<key>, or by the key's own subject, and fills its templates", () => {
    expect(SAY.installed({ program: "/usr/bin/cloud-init" }, { path: "/usr/bin/cloud-init" })).toEqual({
      code: "cloudinit.installed",
      status: "pass",
      message: "cloud-init is installed (/usr/bin/cloud-init).",
      path: "/usr/bin/cloud-init",
    });
    expect(SAY.not_installed({ packages: "cloud-init" })).toEqual({
      code: "cloudinit.not_installed",
      status: "fail",
      message: "cloud-init is not installed.",
      fix: "sudo apt-get install -y cloud-init",
    });
    expect(SAY["guest.unreadable"]({ reason: "x" }, { fix: "fsck", path: null })).toMatchObject({ code: "guest.unreadable", fix: "fsck" });
  });

  it("lists its rows for the docs, with the check they belong to", () => {
    expect(SAY[ROWS].map((row) => [row.code, row.check, row.status])).toEqual([
      ["cloudinit.installed", "cloudinit.installed", "pass"],
      ["cloudinit.not_installed", "cloudinit.installed", "fail"],
      ["guest.unreadable", "cloudinit.installed", "fail"],
    ]);
  });

  it("refuses a template value that is missing rather than printing undefined", () => {
    expect(() => fill("{a} and {b}", { a: 1 })).toThrow(/No value for \{b\}/);
    expect(fill("no placeholders, {0} or { spaced } stay")).toBe("no placeholders, {0} or { spaced } stay");
  });

  it("the pattern takes snake_case subject.reason and nothing else", () => {
    for (const good of ["qcow2.backing_file", "gpt.protective_mbr_missing", "boot.loader_missing", "vmdk.extent_outside"]) expect(good).toMatch(CODE_PATTERN);
    for (const bad of ["qcow2", "Qcow2.x", "qcow2.backing-file", "a.b.c", "qcow2._x", "qcow2.x__y", ".x"]) expect(bad).not.toMatch(CODE_PATTERN);
  });
});
