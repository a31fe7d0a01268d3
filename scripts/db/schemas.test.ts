import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, applyPostgresMigrations } from "../../lib/db/migrate";
import { PROVIDERS } from "../../lib/db/providers";
import { createPostgresDatabase, type TestDatabase } from "../../lib/testing/postgres";
import { testPostgresServer } from "../../lib/testing/test-database";
import { writeMigrations } from "./migration";
import { migrateDeploy, migrationNames, migrationSql, postgresSchema, pulledDatamodel, repoRoot } from "./schemas";

// In Vitest's postgresql project: both engines, the Prisma CLI as operators run it.
const databases: TestDatabase[] = [];
const temporary: string[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
  for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
});

async function emptyPostgres(): Promise<TestDatabase> {
  const database = await createPostgresDatabase(testPostgresServer(), { empty: true });
  databases.push(database);
  return database;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-schemas-"));
  temporary.push(dir);
  return dir;
}

const read = (root: string, file: string) => fs.readFileSync(path.join(root, file), "utf8");

async function textColumnsNotC(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ column: string }>(
      `SELECT table_name || '.' || column_name AS column FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> '_prisma_migrations' AND collation_name IS DISTINCT FROM 'C'`,
    );
    return rows.map((row) => row.column);
  } finally {
    await client.end();
  }
}

describe("one schema, two databases", () => {
  it("prisma/postgresql/schema.prisma is derived from prisma/schema.prisma (npm run db:migration writes it)", () => {
    expect(read(repoRoot, PROVIDERS.postgresql.schema)).toBe(postgresSchema(read(repoRoot, PROVIDERS.sqlite.schema)));
  });

  it("every SQLite migration has a PostgreSQL twin of the same name, and no other", () => {
    expect(migrationNames(repoRoot, "postgresql")).toEqual(migrationNames(repoRoot, "sqlite"));
  });

  it("prisma migrate deploy applies the SQLite migrations, which give prisma/schema.prisma", () => {
    const file = path.join(tempDir(), "hangar.db");
    expect(migrateDeploy(`file:${file}`)).toContain("All migrations have been successfully applied");
    expect(migrationSql(pulledDatamodel(`file:${file}`), read(repoRoot, PROVIDERS.sqlite.schema))).toBeNull();
  });

  it("prisma migrate deploy applies the PostgreSQL migrations, which give its schema, with every text column collated C", async () => {
    const { url } = await emptyPostgres();
    expect(migrateDeploy(url)).toContain("All migrations have been successfully applied");
    expect(migrationSql(pulledDatamodel(url), read(repoRoot, PROVIDERS.postgresql.schema))).toBeNull();
    expect(await textColumnsNotC(url)).toEqual([]);
  });

  it("the PostgreSQL migrations refuse a database that is not UTF8, saying what to do", async () => {
    const server = testPostgresServer();
    const database = await emptyPostgres();
    const { url } = database;
    const name = new URL(url).pathname.slice(1);
    // The same name, made again in LATIN1.
    const admin = new pg.Client({ connectionString: new URL("/postgres", server).toString() });
    await admin.connect();
    await database.drop();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'LATIN1' LOCALE_PROVIDER libc LOCALE 'C'`);
    await admin.end();
    let failure = "";
    try {
      migrateDeploy(url);
    } catch (error) {
      failure = String((error as { stderr?: string }).stderr ?? error);
    }
    expect(failure).toContain("Hangar needs a PostgreSQL database in UTF8 encoding, this one is LATIN1");
  });
});

describe("npm run db:migration", () => {
  /** A copy of the Prisma files, where a test may change the schema. */
  function scratchRoot(): string {
    const root = tempDir();
    fs.cpSync(path.join(repoRoot, "prisma"), path.join(root, "prisma"), { recursive: true, filter: (source) => !source.endsWith(".db") });
    return root;
  }

  const addNotes = (schema: string) =>
    schema.replace("model ApiToken {", "model Note {\n  id    String @id @default(cuid())\n  title String\n\n  @@index([title])\n}\n\nmodel ApiToken {");
  const addLabel = (schema: string) => schema.replace("  firmware       String? ", "  label          String?\n  firmware       String? ");

  it("gives a SQLite migration merged from another branch its PostgreSQL twin, and writes a new change for both databases, which then give the schema", async () => {
    const root = scratchRoot();
    const schemaFile = path.join(root, PROVIDERS.sqlite.schema);
    const original = fs.readFileSync(schemaFile, "utf8");
    // Another branch's change, written for SQLite only (as before this tool), with a semicolon in its comment.
    const merged = "20270101000000_notes";
    fs.mkdirSync(path.join(root, PROVIDERS.sqlite.migrations, merged));
    fs.writeFileSync(path.join(root, PROVIDERS.sqlite.migrations, merged, "migration.sql"), `-- Notes; by hand\n${migrationSql(original, addNotes(original))}`);
    // Then a change of this branch.
    fs.writeFileSync(schemaFile, addLabel(addNotes(original)));

    const written = writeMigrations(root, "label", () => {});
    const names = migrationNames(root, "sqlite");
    const added = names.at(-1) ?? "";
    expect(added).toMatch(/^\d{14}_label$/);
    expect(added > merged).toBe(true);
    expect(written).toEqual([
      path.join(PROVIDERS.sqlite.migrations, added),
      PROVIDERS.postgresql.schema,
      path.join(PROVIDERS.postgresql.migrations, merged),
      path.join(PROVIDERS.postgresql.migrations, added),
    ]);
    expect(migrationNames(root, "postgresql")).toEqual(names);
    const twin = read(root, path.join(PROVIDERS.postgresql.migrations, merged, "migration.sql"));
    // The comment comes along without the semicolon (the pg adapter splits a migration at each one).
    expect(twin).toMatch(/^-- Notes, by hand\n/);
    expect(twin).toContain('"title" TEXT COLLATE "C" NOT NULL');
    expect(read(root, path.join(PROVIDERS.postgresql.migrations, added, "migration.sql"))).toContain('"label" TEXT COLLATE "C"');

    // Both histories, applied to fresh databases, give their schema.
    const file = path.join(tempDir(), "hangar.db");
    applyMigrations(file, path.join(root, PROVIDERS.sqlite.migrations));
    expect(migrationSql(pulledDatamodel(`file:${file}`), read(root, PROVIDERS.sqlite.schema))).toBeNull();
    const database = await emptyPostgres();
    await applyPostgresMigrations(database.url, path.join(root, PROVIDERS.postgresql.migrations));
    expect(migrationSql(pulledDatamodel(database.url), read(root, PROVIDERS.postgresql.schema))).toBeNull();
    expect(await textColumnsNotC(database.url)).toEqual([]);
  }, 300_000);

  it("asks for a name when the schema changed, and refuses a name that is not one", () => {
    const root = scratchRoot();
    expect(() => writeMigrations(root, "Bad Name", () => {})).toThrow(/lower case letters, digits and _/);
    fs.writeFileSync(path.join(root, PROVIDERS.sqlite.schema), addLabel(read(root, PROVIDERS.sqlite.schema)));
    expect(() => writeMigrations(root, undefined, () => {})).toThrow(/name the migration/);
  }, 120_000);
});
