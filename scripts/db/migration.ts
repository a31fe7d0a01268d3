/**
 * `npm run db:migration -- <name>`: after a change to prisma/schema.prisma, writes the migration for
 * both databases (docs/decisions.md, "PostgreSQL next to SQLite"):
 * 1. SQLite: the SQL from the schema the existing migrations produce to prisma/schema.prisma, in
 *    prisma/migrations/<timestamp>_<name>/ (nothing when they already agree);
 * 2. prisma/postgresql/schema.prisma, derived again;
 * 3. PostgreSQL: every SQLite migration without a twin (the new one, or one written another way or
 *    merged from another branch) gets one, of the same name, in prisma/postgresql/migrations/;
 * 4. both Prisma clients, generated again.
 * Without a name it does 2 to 4 only, which is what a merged SQLite migration needs.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PROVIDERS } from "../../lib/db/providers";
import { collateTextColumns, migrationNames, migrationSql, postgresSchema, repoRoot, sqliteDatamodelAfter } from "./schemas";

/**
 * Prisma runs a PostgreSQL migration through its pg adapter, which splits the file at every ";":
 * a statement, a comment or a string must not hold one inside. This statement fails the first
 * migration, with a message an operator understands, on a database that is not UTF8 (names are
 * Unicode, NFC-normalised): CAST of a text that is not a number raises an error quoting the text.
 */
const UTF8_GUARD = `-- Hangar stores names in Unicode: refuse a database whose encoding is not UTF8.
SELECT CAST('Hangar needs a PostgreSQL database in UTF8 encoding, this one is ' || current_setting('server_encoding') || ': create it with CREATE DATABASE ... ENCODING ''UTF8'' TEMPLATE template0' AS INTEGER)
WHERE current_setting('server_encoding') <> 'UTF8';

`;

/** Data statements a schema diff cannot carry over (the copy of a redefined table, INSERT INTO "new_...", excepted). */
const DATA_STATEMENT = /^\s*(?:INSERT INTO "(?!new_)|UPDATE "|DELETE FROM ")/im;

function timestamp(after: string | undefined): string {
  const now = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const last = after?.slice(0, 14);
  if (!last || now > last) return now;
  // The history may hold stamps in the future: follow the last one.
  const next = new Date(
    Date.UTC(+last.slice(0, 4), +last.slice(4, 6) - 1, +last.slice(6, 8), +last.slice(8, 10), +last.slice(10, 12), +last.slice(12, 14) + 1),
  );
  return next.toISOString().replace(/\D/g, "").slice(0, 14);
}

/** The comment lines a migration starts with, for its twin (without semicolons, see UTF8_GUARD). */
function leadingComment(sql: string): string {
  const lines: string[] = [];
  for (const line of sql.split("\n")) {
    if (!line.startsWith("--") || /^-- (CreateTable|AlterTable|CreateIndex|DropIndex|RedefineTables|AddForeignKey|DropForeignKey)$/.test(line)) break;
    lines.push(line.replaceAll(";", ","));
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

function writeMigration(dir: string, sql: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
}

/** Steps 1 to 3 for the Prisma files under `root`; the files written, relative to it. */
export function writeMigrations(root: string, name: string | undefined, log: (line: string) => void = console.log): string[] {
  const at = (file: string) => path.join(root, file);
  if (name !== undefined && !/^[a-z][a-z0-9_]{0,60}$/.test(name)) {
    throw new Error(`A migration name is lower case letters, digits and _, starting with a letter (e.g. sessions): got "${name}".`);
  }
  const source = fs.readFileSync(at(PROVIDERS.sqlite.schema), "utf8");
  const written: string[] = [];
  // Each state costs a run of Prisma's CLI: read each once.
  const states = new Map<number, string>();
  const stateAfter = (count: number) => {
    const state = states.get(count) ?? sqliteDatamodelAfter(root, count);
    states.set(count, state);
    return state;
  };

  const sqliteNames = migrationNames(root, "sqlite");
  const sqliteStep = migrationSql(stateAfter(sqliteNames.length), source);
  if (sqliteStep !== null) {
    if (name === undefined)
      throw new Error("prisma/schema.prisma differs from what the migrations produce: name the migration (npm run db:migration -- <name>).");
    const folder = `${timestamp(sqliteNames.at(-1))}_${name}`;
    writeMigration(at(path.join(PROVIDERS.sqlite.migrations, folder)), sqliteStep);
    written.push(path.join(PROVIDERS.sqlite.migrations, folder));
  } else if (name !== undefined) {
    log("prisma/schema.prisma is what the SQLite migrations produce: no new SQLite migration.");
  }

  const postgres = postgresSchema(source);
  if (fs.readFileSync(at(PROVIDERS.postgresql.schema), "utf8") !== postgres) {
    fs.writeFileSync(at(PROVIDERS.postgresql.schema), postgres);
    written.push(PROVIDERS.postgresql.schema);
  }

  const all = migrationNames(root, "sqlite");
  const twins = new Set(migrationNames(root, "postgresql"));
  for (const [index, folder] of all.entries()) {
    if (twins.has(folder)) continue;
    const before = postgresSchema(stateAfter(index));
    // After the migration just written, the state is the schema itself.
    const after = postgresSchema(index + 1 === all.length && sqliteStep !== null ? source : stateAfter(index + 1));
    const sqlite = fs.readFileSync(at(path.join(PROVIDERS.sqlite.migrations, folder, "migration.sql")), "utf8");
    const step = collateTextColumns(migrationSql(before, after) ?? "-- This migration changes no table.\n");
    writeMigration(at(path.join(PROVIDERS.postgresql.migrations, folder)), leadingComment(sqlite) + (index === 0 ? UTF8_GUARD : "") + step);
    written.push(path.join(PROVIDERS.postgresql.migrations, folder));
    if (DATA_STATEMENT.test(sqlite)) {
      log(`${folder}: the SQLite migration changes data too (INSERT, UPDATE or DELETE): write those statements into its PostgreSQL twin by hand.`);
    }
  }
  return written;
}

// Run as a script (npm run db:migration), not when a test imports it.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const written = writeMigrations(repoRoot, process.argv[2]);
    execFileSync("bash", [path.join(repoRoot, "scripts/db/generate.sh")], { cwd: repoRoot, stdio: "inherit" });
    console.log(
      written.length > 0
        ? `Wrote:\n${written.map((file) => `  ${file}`).join("\n")}`
        : "Nothing to write: both databases' migrations match prisma/schema.prisma.",
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
