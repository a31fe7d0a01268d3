import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client";
import { PrismaClient as PostgresPrismaClient } from "./generated-postgresql/client";
import { postgresAdapter } from "./postgres";
import { likeOnSqlite } from "./string-filters";
import { databaseProvider, databaseUrl } from "./url";

export type Db = PrismaClient;

/** The clients openDb made for PostgreSQL: the one engine whose planner Hangar steers (lib/db/without-bitmap-scans.ts). */
const postgresClients = new WeakSet<Db>();

export const isPostgresClient = (db: Db) => postgresClients.has(db);

/** A Prisma client on the database at `url` (the configured one by default): SQLite for `file:`, PostgreSQL for `postgresql://`. */
export function openDb(url: string = databaseUrl()): Db {
  if (databaseProvider(url) === "postgresql") {
    // Both clients are generated from one datamodel (scripts/db/schemas.ts, checked by its test), so the
    // PostgreSQL one answers the calls the code makes with the SQLite client's types; its LIKE filters
    // are made to match as SQLite's do (lib/db/string-filters.ts).
    const client = new PostgresPrismaClient({ adapter: postgresAdapter(url) });
    const extended = client.$extends({ query: { $allModels: { $allOperations: ({ args, query }) => query(likeOnSqlite(args)) } } }) as unknown as Db;
    postgresClients.add(extended);
    return extended;
  }
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

let client: Db | null = null;

/** The process-wide client (one instance of this module per process: docs/decisions.md, "One module instance per process"). */
export function db(): Db {
  client ??= openDb();
  return client;
}
