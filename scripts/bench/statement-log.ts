import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { engineDir } from "../../lib/testing/engine-process";
import { startPostgres } from "../../lib/testing/postgres";

/**
 * The SQL statements PostgreSQL received while `during` ran, each with the application_name of its connection:
 * log_statement = all for that window only (the benchmark's own connection, hangar-bench-admin, left out).
 */
export async function loggedStatements(admin: pg.Client, logFile: string, during: () => Promise<void>): Promise<{ app: string; text: string }[]> {
  const from = fs.statSync(logFile).size;
  await admin.query("ALTER SYSTEM SET log_statement = 'all'");
  await admin.query("ALTER SYSTEM SET log_line_prefix = '%m [%p] %a: '");
  await admin.query("SELECT pg_reload_conf()");
  await new Promise((resolve) => setTimeout(resolve, 500));
  await during();
  await admin.query("ALTER SYSTEM RESET log_statement");
  await admin.query("SELECT pg_reload_conf()");
  await new Promise((resolve) => setTimeout(resolve, 500));
  const fd = fs.openSync(logFile, "r");
  const buffer = Buffer.alloc(fs.statSync(logFile).size - from);
  fs.readSync(fd, buffer, 0, buffer.length, from);
  fs.closeSync(fd);
  return buffer
    .toString()
    .split("\n")
    .flatMap((line) => {
      const match = /\] ([^:]*): LOG:\s+(?:statement|execute [^:]*): (.*)$/.exec(line);
      return match && match[1] !== "hangar-bench-admin" ? [{ app: match[1] || "?", text: match[2].replace(/\s+/g, " ") }] : [];
    });
}

/**
 * A PostgreSQL of the benchmark's own: its URL, its log, its postmaster's pid (whose children are the backends, for
 * their CPU time), and a connection of the benchmark's own (hangar-bench-admin, left out of the counts). The Hangar
 * servers the benchmark launches after this (lib/testing/hangar-process.ts) run on it.
 */
export async function benchPostgres(name: string) {
  const dir = engineDir(name);
  const postgres = await startPostgres(dir);
  const admin = new pg.Client({ connectionString: postgres.url, application_name: "hangar-bench-admin" });
  await admin.connect();
  process.env.HANGAR_TEST_DATABASE = "postgresql";
  process.env.HANGAR_TEST_POSTGRES = postgres.url;
  return {
    url: postgres.url,
    admin,
    logFile: path.join(dir, "postgres.log"),
    postmaster: Number(fs.readFileSync(path.join(dir, "data", "postmaster.pid"), "utf8").split("\n")[0]),
    async stop() {
      await admin.end();
      await postgres.engine.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
