import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { PROVIDERS } from "./providers";
import { type DatabaseProvider, databaseProvider } from "./url";

/**
 * The table in which `prisma migrate deploy` records each migration it applied, as Prisma creates it on each engine.
 * The functions below record theirs there the same way (checksum: the SHA-256 of migration.sql), so that a database
 * they migrated is one `prisma migrate deploy` and the server's start check (pendingMigrations) see as up to date.
 */
const MIGRATIONS_TABLE: Record<DatabaseProvider, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT,
    "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};
const RECORD = `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count") VALUES ($1, $2, $3, $4, 1)`;
const APPLIED = `SELECT "migration_name" AS name FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`;

/** The migration folders of a directory, in the order they apply (those named by `names` only, when given). */
function migrationNames(migrationsDir: string, names?: string[]): string[] {
  return (names ?? fs.readdirSync(migrationsDir).sort()).filter((name) => fs.existsSync(path.join(migrationsDir, name, "migration.sql")));
}

const migrationSql = (migrationsDir: string, name: string) => fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
const checksum = (sql: string) => createHash("sha256").update(sql).digest("hex");

/**
 * Applies prisma/migrations/* to a fresh SQLite file with the same SQL that
 * `prisma migrate deploy` runs, and records them as it does; tests use it to get a real database in milliseconds.
 * `names` limits it to those migration folders (the schema tooling replays a prefix of the history).
 */
export function applyMigrations(file: string, migrationsDir = path.resolve(PROVIDERS.sqlite.migrations), names?: string[]): void {
  const sqlite = new Database(file);
  try {
    sqlite.exec(MIGRATIONS_TABLE.sqlite);
    const record = sqlite.prepare(RECORD.replace(/\$\d/g, "?"));
    for (const name of migrationNames(migrationsDir, names)) {
      const sql = migrationSql(migrationsDir, name);
      sqlite.exec(sql);
      record.run(randomUUID(), checksum(sql), new Date().toISOString(), name);
    }
  } finally {
    sqlite.close();
  }
}

/** The same for an empty PostgreSQL database at `url`, with prisma/postgresql/migrations/*. */
export async function applyPostgresMigrations(url: string, migrationsDir = path.resolve(PROVIDERS.postgresql.migrations)): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(MIGRATIONS_TABLE.postgresql);
    for (const name of migrationNames(migrationsDir)) {
      const sql = migrationSql(migrationsDir, name);
      await client.query(sql);
      await client.query(RECORD, [randomUUID(), checksum(sql), new Date(), name]);
    }
  } finally {
    await client.end();
  }
}

/** The names of the migrations recorded as applied in the database at `url` (none when it has no record table). */
async function appliedMigrations(url: string): Promise<Set<string>> {
  if (databaseProvider(url) === "sqlite") {
    const file = url.replace(/^file:/, "");
    if (!fs.existsSync(file)) return new Set();
    const sqlite = new Database(file, { readonly: true });
    try {
      const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
      return new Set(
        table
          ? sqlite
              .prepare<[], { name: string }>(APPLIED)
              .all()
              .map(({ name }) => name)
          : [],
      );
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS table`);
    if (!rows[0]?.table) return new Set();
    return new Set((await client.query<{ name: string }>(APPLIED)).rows.map(({ name }) => name));
  } finally {
    await client.end();
  }
}

/** The migrations of this release that the database at `url` has not applied yet, in the order they apply. */
export async function pendingMigrations(url: string, migrationsDir = path.resolve(PROVIDERS[databaseProvider(url)].migrations)): Promise<string[]> {
  const applied = await appliedMigrations(url);
  return migrationNames(migrationsDir).filter((name) => !applied.has(name));
}
