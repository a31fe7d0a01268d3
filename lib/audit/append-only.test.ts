import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

// The audit trail is append-only from the application's point of view: no code path changes or removes
// an event. Retention is the operator's (docs/decisions.md, "Audit trail").
const ROOTS = ["lib", "app", "components", "scripts"];
const WRITES = [
  /auditEvent\s*\.\s*(?:update|updateMany|upsert|delete|deleteMany|createMany)\b/,
  /(?:UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?AuditEvent"?/i,
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith("generated-") ? [] : sources(file);
    return /\.(?:ts|tsx|mts|mjs|js)$/.test(entry.name) && file !== path.join("lib", "audit", "append-only.test.ts") ? [file] : [];
  });
}

it("no source file updates or deletes audit events", () => {
  const files = ROOTS.flatMap(sources);
  expect(files.length).toBeGreaterThan(100);
  const offenders = files.filter((file) => WRITES.some((pattern) => pattern.test(fs.readFileSync(file, "utf8"))));
  expect(offenders).toEqual([]);
});

it("the scan would see such a write", () => {
  expect(WRITES.some((pattern) => pattern.test("await tx.auditEvent.deleteMany({})"))).toBe(true);
  expect(WRITES.some((pattern) => pattern.test('DELETE FROM "AuditEvent"'))).toBe(true);
});
