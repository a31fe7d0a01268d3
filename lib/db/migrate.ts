import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { PROVIDERS } from "./providers";

function migrationFiles(migrationsDir: string, names?: string[]): string[] {
  return (names ?? fs.readdirSync(migrationsDir).sort()).map((name) => path.join(migrationsDir, name, "migration.sql")).filter((file) => fs.existsSync(file));
}

/**
 * Applies prisma/migrations/* to a fresh SQLite file with the same SQL that
 * `prisma migrate deploy` runs; tests use it to get a real database in milliseconds.
 * `names` limits it to those migration folders (the schema tooling replays a prefix of the history).
 */
export function applyMigrations(file: string, migrationsDir = path.resolve(PROVIDERS.sqlite.migrations), names?: string[]): void {
  const sqlite = new Database(file);
  try {
    for (const sql of migrationFiles(migrationsDir, names)) sqlite.exec(fs.readFileSync(sql, "utf8"));
  } finally {
    sqlite.close();
  }
}

/** The same for an empty PostgreSQL database at `url`, with prisma/postgresql/migrations/*. */
export async function applyPostgresMigrations(url: string, migrationsDir = path.resolve(PROVIDERS.postgresql.migrations)): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of migrationFiles(migrationsDir)) await client.query(fs.readFileSync(sql, "utf8"));
  } finally {
    await client.end();
  }
}
