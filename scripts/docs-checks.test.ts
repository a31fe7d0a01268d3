import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CODE_PATTERN, ROWS } from "../lib/inspect/codes";
import { INSPECTOR_CODE_TABLES } from "../lib/inspect/code-tables";
import { GUEST_CHECKS } from "../lib/inspect/guest/checks";
import { WINDOWS_CHECKS } from "../lib/inspect/guest/windows/checks";
import { allCodes, DOC, renderCodeList, withCodeList } from "./docs-checks";

const root = path.resolve(import.meta.dirname, "..");

/** Source files (not tests) under `dir`. */
function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe("check codes", () => {
  const rows = allCodes();

  it("follow the convention and each names one outcome", () => {
    expect(rows.filter((row) => !CODE_PATTERN.test(row.code)).map((row) => row.code)).toEqual([]);
    const seen = new Set<string>();
    const repeated = rows.filter((row) => seen.has(row.code) || !seen.add(row.code)).map((row) => row.code);
    expect(repeated).toEqual([]);
  });

  it("every table in the sources is in the list of tables", () => {
    const calls = [...sources("lib/inspect"), ...sources("lib/catalog")].flatMap((file) => [
      ...fs.readFileSync(file, "utf8").matchAll(/^(?:export )?const \w+ = define(?:Outcomes|Findings|Tallies)\(/gm),
    ]);
    // The catalog's four tables (checksum, declared format, conversion, validation errors) come on top of the inspector's.
    expect(calls.length).toBe(INSPECTOR_CODE_TABLES.length + 4);
  });

  it("a guest check's outcomes are all its own, Linux and Windows", () => {
    for (const check of [...GUEST_CHECKS, ...WINDOWS_CHECKS]) expect(check.outcomes[ROWS].filter((row) => row.check !== check.id)).toEqual([]);
  });

  it("docs/checks.md lists every code (npm run docs:checks rewrites the list)", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    expect(doc).toBe(withCodeList(doc, renderCodeList(rows)));
  });
});
