import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { applyMigrations } from "./migrate";

// The migration that gave images a name key must keep every existing image and its name, even when
// two names that now count as one (case, or one platform name of two admins) were allowed before.
const MIGRATION = "20261206000000_sessions_throttle_name_keys";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-migration-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A migrations directory with the project's migrations that `keep` selects. */
function migrations(keep: (name: string) => boolean): string {
  const target = fs.mkdtempSync(path.join(dir, "migrations-"));
  for (const entry of fs.readdirSync("prisma/migrations").filter(keep))
    fs.cpSync(path.join("prisma/migrations", entry), path.join(target, entry), { recursive: true });
  return target;
}

it("keys existing names, keeps lookalike duplicates under distinct keys, and scopes platform names together", () => {
  const file = path.join(dir, "hangar.db");
  applyMigrations(
    file,
    migrations((name) => name < MIGRATION),
  );
  const sqlite = new Database(file);
  const user = sqlite.prepare(`INSERT INTO "User" (id, email, name, passwordHash, role) VALUES (?, ?, ?, 'x', ?)`);
  user.run("u1", "a@test", "A", "admin");
  user.run("u2", "b@test", "B", "admin");
  const image = sqlite.prepare(
    `INSERT INTO "Image" (id, name, visibility, ownerId, status, createdAt, updatedAt) VALUES (?, ?, ?, ?, 'ready', ?, CURRENT_TIMESTAMP)`,
  );
  image.run("i1", "Debian", "private", "u1", "2026-01-01 00:00:00");
  image.run("i2", "debian", "private", "u1", "2026-01-02 00:00:00");
  image.run("i3", "debian", "private", "u2", "2026-01-02 00:00:00");
  image.run("i4", "Golden", "platform", "u1", "2026-01-01 00:00:00");
  image.run("i5", "Golden", "platform", "u2", "2026-01-03 00:00:00");
  image.run("i6", "50%_off\\", "private", "u2", "2026-01-01 00:00:00");
  sqlite.close();

  applyMigrations(
    file,
    migrations((name) => name === MIGRATION),
  );
  const migrated = new Database(file, { readonly: true });
  const rows = migrated.prepare(`SELECT id, name, nameKey, nameScope FROM "Image" ORDER BY id`).all() as Record<string, string>[];
  migrated.close();
  expect(rows).toEqual([
    { id: "i1", name: "Debian", nameKey: "debian", nameScope: "u1" },
    { id: "i2", name: "debian", nameKey: "debian i2", nameScope: "u1" },
    { id: "i3", name: "debian", nameKey: "debian", nameScope: "u2" },
    { id: "i4", name: "Golden", nameKey: "golden", nameScope: "platform" },
    { id: "i5", name: "Golden", nameKey: "golden i5", nameScope: "platform" },
    { id: "i6", name: "50%_off\\", nameKey: "50\uE025\uE05Foff\uE05C", nameScope: "u2" },
  ]);
});
