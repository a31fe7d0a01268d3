import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { migrationScratch } from "../testing/migration-scratch";
import { createPostgresDatabase } from "../testing/postgres";
import { testPostgresServer } from "../testing/test-database";
import { applyMigrations, applyPostgresMigrations } from "./migrate";
import { PROVIDERS } from "./providers";

// The migration that gave images a name key must keep every existing image and its name, even when
// two names that now count as one (case, or one platform name of two admins) were allowed before.
// Both twins (SQLite's and PostgreSQL's, written by hand) give the same keys: Vitest's postgresql project runs this file.
const MIGRATION = "20261206000000_sessions_throttle_name_keys";
const scratch = migrationScratch();
const { migrations } = scratch;
afterAll(() => scratch.cleanUp());

const USERS: [string, string, string, string][] = [
  ["u1", "a@test", "A", "admin"],
  ["u2", "b@test", "B", "admin"],
];
const IMAGES: [string, string, string, string, string][] = [
  ["i1", "Debian", "private", "u1", "2026-01-01 00:00:00"],
  ["i2", "debian", "private", "u1", "2026-01-02 00:00:00"],
  ["i3", "debian", "private", "u2", "2026-01-02 00:00:00"],
  ["i4", "Golden", "platform", "u1", "2026-01-01 00:00:00"],
  ["i5", "Golden", "platform", "u2", "2026-01-03 00:00:00"],
  ["i6", "50%_off\\", "private", "u2", "2026-01-01 00:00:00"],
];
const EXPECTED = [
  { id: "i1", name: "Debian", nameKey: "debian", nameScope: "u1" },
  { id: "i2", name: "debian", nameKey: "debian i2", nameScope: "u1" },
  { id: "i3", name: "debian", nameKey: "debian", nameScope: "u2" },
  { id: "i4", name: "Golden", nameKey: "golden", nameScope: "platform" },
  { id: "i5", name: "Golden", nameKey: "golden i5", nameScope: "platform" },
  { id: "i6", name: "50%_off\\", nameKey: "50\uE025\uE05Foff\uE05C", nameScope: "u2" },
];

it("SQLite: keys existing names, keeps lookalike duplicates under distinct keys, and scopes platform names together", () => {
  const from = PROVIDERS.sqlite.migrations;
  const file = path.join(scratch.dir, "hangar.db");
  applyMigrations(
    file,
    migrations(from, (name) => name < MIGRATION),
  );
  const sqlite = new Database(file);
  const user = sqlite.prepare(`INSERT INTO "User" (id, email, name, passwordHash, role) VALUES (?, ?, ?, 'x', ?)`);
  for (const row of USERS) user.run(...row);
  const image = sqlite.prepare(
    `INSERT INTO "Image" (id, name, visibility, ownerId, status, createdAt, updatedAt) VALUES (?, ?, ?, ?, 'ready', ?, CURRENT_TIMESTAMP)`,
  );
  for (const row of IMAGES) image.run(...row);
  sqlite.close();

  applyMigrations(
    file,
    migrations(from, (name) => name === MIGRATION),
  );
  const migrated = new Database(file, { readonly: true });
  const rows = migrated.prepare(`SELECT id, name, nameKey, nameScope FROM "Image" ORDER BY id`).all() as Record<string, string>[];
  migrated.close();
  expect(rows).toEqual(EXPECTED);
});

it("PostgreSQL: its twin gives the same keys", async () => {
  const from = PROVIDERS.postgresql.migrations;
  const database = await createPostgresDatabase(testPostgresServer(), { empty: true });
  scratch.databases.push(database);
  await applyPostgresMigrations(
    database.url,
    migrations(from, (name) => name < MIGRATION),
  );
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const row of USERS) await client.query(`INSERT INTO "User" (id, email, name, "passwordHash", role) VALUES ($1, $2, $3, 'x', $4)`, row);
    for (const row of IMAGES) {
      await client.query(
        `INSERT INTO "Image" (id, name, visibility, "ownerId", status, "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, 'ready', $5, CURRENT_TIMESTAMP)`,
        row,
      );
    }
    await applyPostgresMigrations(
      database.url,
      migrations(from, (name) => name === MIGRATION),
    );
    const { rows } = await client.query(`SELECT id, name, "nameKey", "nameScope" FROM "Image" ORDER BY id`);
    expect(rows).toEqual(EXPECTED);
  } finally {
    await client.end();
  }
});
