import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client";
import { PrismaClient as PostgresPrismaClient } from "./generated-postgresql/client";
import { postgresAdapter } from "./postgres";
import { likeOnSqlite } from "./string-filters";
import { databaseProvider, databaseUrl } from "./url";

export type Db = PrismaClient;

/** A Prisma client on the database at `url` (the configured one by default): SQLite for `file:`, PostgreSQL for `postgresql://`. */
export function openDb(url: string = databaseUrl()): Db {
  if (databaseProvider(url) === "postgresql") {
    // Both clients are generated from one datamodel (scripts/db/schemas.ts, checked by its test), so the
    // PostgreSQL one answers the calls the code makes with the SQLite client's types; its LIKE filters
    // are made to match as SQLite's do (lib/db/string-filters.ts).
    const client = new PostgresPrismaClient({ adapter: postgresAdapter(url) });
    return client.$extends({ query: { $allModels: { $allOperations: ({ args, query }) => query(likeOnSqlite(args)) } } }) as unknown as Db;
  }
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

let client: Db | null = null;

/** The process-wide client (one instance of this module per process: docs/decisions.md, "One module instance per process"). */
export function db(): Db {
  client ??= openDb();
  return client;
}
