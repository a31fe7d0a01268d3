/**
 * One Prisma schema, two databases. prisma/schema.prisma (SQLite) is the source of truth; the
 * PostgreSQL schema is derived from it, and each SQLite migration gets a PostgreSQL twin of the same
 * name. The Prisma CLI does the SQL: `db pull` reads the schema a set of migrations produces,
 * `migrate diff` writes the SQL between two datamodels. No database server is needed: the states
 * come from SQLite files, and a diff of two PostgreSQL datamodels needs no connection.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "../../lib/db/migrate";
import { PROVIDERS } from "../../lib/db/providers";
import type { DatabaseProvider } from "../../lib/db/url";

/** The checkout: Prisma's CLI and config run from here; the schema files may live in another root (tests). */
export const repoRoot = path.resolve(import.meta.dirname, "../..");
const prismaCli = path.join(repoRoot, "node_modules/.bin/prisma");

const GENERATED_NOTE = `// Generated from prisma/schema.prisma by \`npm run db:migration\` (scripts/db/schemas.ts): do not edit.
// The PostgreSQL client is generated from it into lib/db/generated-postgresql.
`;

/**
 * Indexes only PostgreSQL has, by model: SQLite's datamodel cannot declare them. The trigram index serves the
 * catalog's name search, `"nameKey" ILIKE '%text%'` (lib/catalog/queries.ts), which no B-tree index serves; its
 * migration (20261213000008_name_search_trigrams) creates the pg_trgm extension first (docs/decisions.md,
 * "The catalog at a million images").
 */
const POSTGRES_ONLY_INDEXES: Record<string, string[]> = {
  Image: ['@@index([nameKey(ops: raw("gin_trgm_ops"))], map: "Image_nameKey_trgm_idx", type: Gin)'],
};

function withPostgresOnlyIndexes(schema: string): string {
  let out = schema;
  for (const [model, indexes] of Object.entries(POSTGRES_ONLY_INDEXES)) {
    // A state of the history before the model existed has none to add to.
    out = out.replace(
      new RegExp(`(\\nmodel ${model} \\{\\n[\\s\\S]*?)\\n\\}`),
      (_, body: string) => `${body}\n${indexes.map((index) => `  ${index}`).join("\n")}\n}`,
    );
  }
  return out;
}

/** The PostgreSQL schema for a SQLite schema's datamodel: the same models and PostgreSQL's own indexes, another provider and client output. */
export function postgresSchema(sqliteSchema: string): string {
  const replaced = sqliteSchema
    .replace(/(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"')
    .replace(/(generator client \{[^}]*output\s*=\s*)"\.\.\/lib\/db\/generated"/, '$1"../../lib/db/generated-postgresql"');
  if (!replaced.includes('"postgresql"') || !replaced.includes("generated-postgresql")) {
    throw new Error('prisma/schema.prisma: expected a datasource with provider "sqlite" and a client generated to "../lib/db/generated"');
  }
  return GENERATED_NOTE + withPostgresOnlyIndexes(replaced);
}

/**
 * Every text column of a PostgreSQL migration collated "C": code point order and byte-wise equality,
 * as SQLite's BINARY collation, whatever the database's default collation is (docs/decisions.md,
 * "PostgreSQL next to SQLite"). Prisma's datamodel has no way to say so.
 */
export function collateTextColumns(sql: string): string {
  // A column's definition or change of type: `"name" TEXT`, `"name" SET DATA TYPE TEXT`, `"name" TYPE TEXT`.
  return sql.replace(/("[^"]+"\s+(?:SET DATA TYPE\s+|TYPE\s+)?TEXT)\b(?!\[| COLLATE)/g, '$1 COLLATE "C"');
}

function prisma(args: string[], env: Record<string, string>): string {
  // Prisma's config (prisma.config.ts) picks the engine from DATABASE_URL; a diff of two datamodels
  // under the SQLite setting needs no server even when the datamodels are PostgreSQL's.
  return execFileSync(prismaCli, args, { cwd: repoRoot, env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** `prisma migrate deploy` on the database at `url`, with the migrations of its engine; what it printed. */
export function migrateDeploy(url: string): string {
  return prisma(["migrate", "deploy"], { DATABASE_URL: url });
}

function withTempDir<T>(run: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-schema-"));
  try {
    return run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Names of the migration folders of a provider under `root`, in the order they apply. */
export function migrationNames(root: string, provider: DatabaseProvider): string[] {
  const dir = path.join(root, PROVIDERS[provider].migrations);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

/** The SQLite datamodel that the first `count` SQLite migrations under `root` produce, read back with `prisma db pull`. */
export function sqliteDatamodelAfter(root: string, count: number): string {
  return withTempDir((dir) => {
    const file = path.join(dir, "state.db");
    applyMigrations(file, path.join(root, PROVIDERS.sqlite.migrations), migrationNames(root, "sqlite").slice(0, count));
    if (count === 0) return emptyDatamodel(fs.readFileSync(path.join(root, PROVIDERS.sqlite.schema), "utf8"));
    return pulledDatamodel(`file:${file}`);
  });
}

/** The datamodel of the database at `url`, as `prisma db pull` reads it (the generator and datasource of the config's schema). */
export function pulledDatamodel(url: string): string {
  const printed = prisma(["db", "pull", "--print"], { DATABASE_URL: url });
  // The CLI prints a warning about the datasource url before the schema.
  const start = printed.indexOf("generator ");
  if (start < 0) throw new Error(`prisma db pull printed no schema:\n${printed}`);
  return printed.slice(start);
}

/** The generator and datasource blocks of a schema, without models: the state before any migration. */
function emptyDatamodel(schema: string): string {
  return [...schema.matchAll(/^(generator|datasource) \w+ \{[^}]*\}/gm)].map((match) => match[0]).join("\n\n") + "\n";
}

/** SQL that turns the `from` datamodel's database into the `to` one's, or null when they do not differ. */
export function migrationSql(from: string, to: string): string | null {
  return withTempDir((dir) => {
    fs.writeFileSync(path.join(dir, "from.prisma"), from);
    fs.writeFileSync(path.join(dir, "to.prisma"), to);
    const args = ["migrate", "diff", "--from-schema-datamodel", path.join(dir, "from.prisma"), "--to-schema-datamodel", path.join(dir, "to.prisma")];
    try {
      // --exit-code: 0 when the datamodels give the same database, 2 (with the script) when they differ.
      prisma([...args, "--script", "--exit-code"], { DATABASE_URL: `file:${path.join(dir, "unused.db")}` });
      return null;
    } catch (error) {
      const { status, stdout } = error as { status?: number; stdout?: string };
      if (status !== 2 || !stdout) throw error;
      return stdout;
    }
  });
}
