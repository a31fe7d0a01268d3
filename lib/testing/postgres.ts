import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { applyPostgresMigrations } from "../db/migrate";
import { type EngineProcess, startEngine } from "./engine-process";

/** The database every test database is copied from: migrated once per run. */
const TEMPLATE = "hangar_template";

/** A database of its own for one suite. */
export interface TestDatabase {
  url: string;
  /** Removes the database (a no-op for a SQLite file, which goes with its directory). */
  drop(): Promise<void>;
  /** Every file its rows may be written to, after a checkpoint: for tests that look for a secret stored in clear. */
  files(): Promise<string[]>;
}

const filesIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : []);

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, "postgres") });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL server for a test run (scripts/cluster/postgres.sh in `dir`), with the template
 * database migrated. `url` names the server; createPostgresDatabase makes databases on it.
 */
export async function startPostgres(dir: string): Promise<{ url: string; engine: EngineProcess }> {
  const engine = await startEngine("postgres.sh", [dir]);
  try {
    const url = engine.settings.DATABASE_URL;
    await onServer(url, (client) => client.query(`CREATE DATABASE ${TEMPLATE}`));
    await applyPostgresMigrations(databaseUrl(url, TEMPLATE));
    return { url, engine };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

/**
 * A fresh database on the server at `serverUrl`: a copy of the migrated template (a quarter of a
 * second), or with `empty`, one without tables, for tests of the migrations themselves.
 */
export async function createPostgresDatabase(serverUrl: string, { empty = false } = {}): Promise<TestDatabase> {
  const name = `hangar_test_${randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}${empty ? "" : ` TEMPLATE ${TEMPLATE}`}`));
  return {
    url: databaseUrl(serverUrl, name),
    async drop() {
      await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
    // The database's own directory and the write-ahead log (shared by the server's databases).
    files: () =>
      onServer(serverUrl, async (client) => {
        await client.query("CHECKPOINT");
        const { rows } = await client.query<{ dir: string; oid: number }>(
          "SELECT current_setting('data_directory') AS dir, oid FROM pg_database WHERE datname = $1",
          [name],
        );
        return [...filesIn(path.join(rows[0].dir, "base", String(rows[0].oid))), ...filesIn(path.join(rows[0].dir, "pg_wal"))].filter((file) =>
          fs.statSync(file).isFile(),
        );
      }),
  };
}
