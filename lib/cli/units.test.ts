import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clockDuration, parseSize } from "../units";
import { patchFromAssignments } from "./commands/manage";
import { configPath, normalizeUrl } from "./config";
import { defaultFileName } from "./download";
import { CliError, localFileError } from "./errors";
import { EXIT } from "./exit-codes";
import { errorText, reportError } from "./main";
import { ProgressBar } from "./progress";

describe("hangar set key=value", () => {
  it("maps built-in keys (CLI and Glance names), merges free properties, clears on empty", () => {
    expect(patchFromAssignments(["min-ram=2048", "os_distro=debian", "hw_firmware_type=uefi", "note=a=b", "old="], { old: "x", keep: "y" })).toEqual({
      minMemoryMiB: "2048",
      osDistro: "debian",
      firmware: "uefi",
      properties: { keep: "y", note: "a=b" },
    });
    expect(patchFromAssignments(["min-disk=", "description="], {})).toEqual({ minDiskGiB: null, description: null });
    expect(() => patchFromAssignments(["=x"], {})).toThrow(CliError);
  });
});

describe("units", () => {
  it("reads rates and sizes in binary multiples", () => {
    expect(parseSize("10M")).toBe(10 * 1024 * 1024);
    expect(parseSize("512k")).toBe(512 * 1024);
    expect(parseSize("1.5GiB")).toBe(1.5 * 1024 ** 3);
    expect(parseSize("2048")).toBe(2048);
    for (const bad of ["", "fast", "-1M", "10X"]) expect(parseSize(bad)).toBeNull();
  });

  it("prints time left as a clock", () => {
    expect(clockDuration(65)).toBe("1:05");
    expect(clockDuration(7384)).toBe("2:03:04");
  });
});

describe("progress bar", () => {
  it("shows percent, bytes, speed and time left on a terminal, and nothing elsewhere", () => {
    let now = 0;
    let written = "";
    const bar = new ProgressBar("disk.qcow2", 100 * 1024 * 1024, {
      stream: {
        isTTY: true,
        columns: 120,
        write: (text) => {
          written += text;
          return true;
        },
      },
      now: () => now,
    });
    now = 2000;
    bar.update(20 * 1024 * 1024);
    expect(bar.line(120)).toMatch(/^disk\.qcow2 \[#+-+\] {2}20% {2}20 MiB \/ 100 MiB {2}10 MiB\/s {2}0:08 left$/);
    expect(written).toContain("20%");
    let silent = "";
    const piped = new ProgressBar("x", 10, {
      stream: {
        isTTY: false,
        write: (text) => {
          silent += text;
          return true;
        },
      },
    });
    piped.update(5);
    piped.finish();
    expect(silent).toBe("");
  });
});

describe("files and config", () => {
  it("names a download after the image without path tricks", () => {
    expect(defaultFileName({ name: "Debian 12", diskFormat: "qcow2" })).toBe("Debian 12.qcow2");
    expect(defaultFileName({ name: "../../etc/passwd", diskFormat: null })).toBe("_.._etc_passwd.img");
  });

  it("keeps the config in XDG_CONFIG_HOME or ~/.config, and normalizes URLs", () => {
    expect(configPath({ XDG_CONFIG_HOME: "/x/cfg" })).toBe("/x/cfg/hangar/config.json");
    expect(configPath({ XDG_CONFIG_HOME: "relative" })).toMatch(/\.config\/hangar\/config\.json$/);
    expect(normalizeUrl("https://hangar.example.com/")).toBe("https://hangar.example.com");
    expect(normalizeUrl("https://example.com/hangar//")).toBe("https://example.com/hangar");
    expect(normalizeUrl("ftp://example.com")).toBeNull();
    expect(normalizeUrl("nonsense")).toBeNull();
  });
});

describe("error messages", () => {
  it("says each thing once, with the user's field names", () => {
    expect(errorText(new CliError(EXIT.notFound, "No such image."))).toBe("hangar: No such image.");
    expect(errorText(new CliError(EXIT.rejected, 'You already have an image named "x".', { name: 'You already have an image named "x".' }))).toBe(
      'hangar: the server refused these values; nothing was changed:\n  name: You already have an image named "x".',
    );
  });
});

describe("errors main reports", () => {
  const report = (error: unknown, env: Record<string, string> = {}) => {
    let text = "";
    const code = reportError(
      error,
      (chunk) => {
        text += chunk;
      },
      env,
    );
    return { code, text };
  };

  it("reports a local file's system error as a usage error naming the file, without a stack", () => {
    const missing = path.join(os.tmpdir(), "hangar-no-such-dir", "x.part");
    let thrown: unknown;
    try {
      fs.openSync(missing, "w");
    } catch (error) {
      thrown = error;
    }
    const { code, text } = report(thrown);
    expect(code).toBe(EXIT.usage);
    expect(text).toBe(`hangar: Cannot open ${missing}: no such file or directory (ENOENT).\n`);
    let directory: unknown;
    try {
      fs.readFileSync(os.tmpdir());
    } catch (error) {
      directory = error;
    }
    // Node leaves the path out of some errors (EISDIR on read, ENOSPC on write): still a usage error.
    expect(report(directory)).toEqual({ code: EXIT.usage, text: "hangar: Cannot read a local file: illegal operation on a directory (EISDIR).\n" });
    expect(localFileError(directory, "/etc/x")?.message).toBe("Cannot read /etc/x: illegal operation on a directory (EISDIR).");
  });

  it("reports anything unexpected as an internal error (70), with the stack only under HANGAR_DEBUG", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const plain = report(bug);
    expect(plain.code).toBe(EXIT.internal);
    expect(plain.text).toMatch(/^hangar: internal error: Cannot read properties of undefined \(reading 'id'\)\n/);
    expect(plain.text).not.toContain(" at ");
    const debug = report(bug, { HANGAR_DEBUG: "1" });
    expect(debug.code).toBe(EXIT.internal);
    expect(debug.text).toContain("units.test.ts");
    // A system error that is not about a file (no path) is not mistaken for a usage error.
    expect(report(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })).code).toBe(EXIT.internal);
  });
});
