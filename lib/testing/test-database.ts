import fs from "node:fs";
import path from "node:path";
import { applyMigrations } from "../db/migrate";
import type { DatabaseProvider } from "../db/url";
import { createPostgresDatabase, type TestDatabase } from "./postgres";

export type { TestDatabase } from "./postgres";

/**
 * The database engine of this test run: HANGAR_TEST_DATABASE, "sqlite" unless set. Vitest's
 * "postgresql" project sets it and starts the server (lib/testing/postgres-setup.ts), which it
 * names in HANGAR_TEST_POSTGRES; the same suites run in the "sqlite" project on SQLite files.
 */
export function testDatabaseProvider(): DatabaseProvider {
  const provider = process.env.HANGAR_TEST_DATABASE ?? "sqlite";
  if (provider !== "sqlite" && provider !== "postgresql") throw new Error(`HANGAR_TEST_DATABASE is "sqlite" or "postgresql", not "${provider}"`);
  return provider;
}

/** The files of the SQLite database `hangar.db` in `dir`, its write-ahead log included. */
export function sqliteFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith("hangar.db"))
    .map((name) => path.join(dir, name));
}

/** A fresh, migrated database for one suite: a SQLite file in `dir`, or a copy of the template on the run's PostgreSQL server. */
export async function createTestDatabase(dir: string): Promise<TestDatabase> {
  if (testDatabaseProvider() === "sqlite") {
    const file = path.join(dir, "hangar.db");
    applyMigrations(file);
    return { url: `file:${file}`, drop: async () => {}, files: () => Promise.resolve(sqliteFiles(dir)) };
  }
  return createPostgresDatabase(testPostgresServer());
}

/** The URL of the run's PostgreSQL server (HANGAR_TEST_POSTGRES). */
export function testPostgresServer(): string {
  const server = process.env.HANGAR_TEST_POSTGRES;
  if (!server) throw new Error("This test needs the run's PostgreSQL server in HANGAR_TEST_POSTGRES (Vitest's postgresql project starts one)");
  return server;
}

/**
 * The database of a Hangar server started by a test in `dataDir`: on SQLite the server makes
 * hangar.db there itself (scripts/e2e-server.ts); on PostgreSQL it is made here, and `env` names it.
 */
export async function serverDatabase(dataDir: string): Promise<TestDatabase & { env: Record<string, string> }> {
  if (testDatabaseProvider() === "sqlite") {
    return { url: `file:${path.join(dataDir, "hangar.db")}`, env: {}, drop: () => Promise.resolve(), files: () => Promise.resolve(sqliteFiles(dataDir)) };
  }
  const database = await createTestDatabase(dataDir);
  return { ...database, env: { DATABASE_URL: database.url } };
}
