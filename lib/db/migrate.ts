import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * Applies prisma/migrations/* to a fresh SQLite file with the same SQL that
 * `prisma migrate deploy` runs; tests use it to get a real database in milliseconds.
 */
export function applyMigrations(file: string, migrationsDir = path.resolve("prisma/migrations")): void {
  const sqlite = new Database(file);
  try {
    for (const name of fs.readdirSync(migrationsDir).sort()) {
      const sql = path.join(migrationsDir, name, "migration.sql");
      if (fs.existsSync(sql)) sqlite.exec(fs.readFileSync(sql, "utf8"));
    }
  } finally {
    sqlite.close();
  }
}
