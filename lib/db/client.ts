import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { type DirectReads, postgresDirectReads, sqliteDirectReads } from "./direct-reads";
import { PrismaClient } from "./generated/client";
import { PrismaClient as PostgresPrismaClient } from "./generated-postgresql/client";
import { postgresAdapter, postgresPool } from "./postgres";
import { likeOnSqlite } from "./string-filters";
import { databaseProvider, databaseUrl } from "./url";

export type Db = PrismaClient;

/** Each client's direct reads, on the same database (lib/db/direct-reads.ts). */
const directReadsOf = new WeakMap<Db, DirectReads>();
/** The clients openDb made for PostgreSQL: the one engine whose planner Hangar steers (lib/db/without-bitmap-scans.ts). */
const postgresClients = new WeakSet<Db>();

export const isPostgresClient = (db: Db) => postgresClients.has(db);

/** A Prisma client on the database at `url` (the configured one by default): SQLite for `file:`, PostgreSQL for `postgresql://`. */
export function openDb(url: string = databaseUrl()): Db {
  if (databaseProvider(url) === "postgresql") {
    // Both clients are generated from one datamodel (scripts/db/schemas.ts, checked by its test), so the
    // PostgreSQL one answers the calls the code makes with the SQLite client's types; its LIKE filters
    // are made to match as SQLite's do (lib/db/string-filters.ts).
    const pool = postgresPool(url);
    const client = new PostgresPrismaClient({ adapter: postgresAdapter(pool) });
    const extended = client.$extends({ query: { $allModels: { $allOperations: ({ args, query }) => query(likeOnSqlite(args)) } } }) as unknown as Db;
    directReadsOf.set(extended, postgresDirectReads(pool));
    postgresClients.add(extended);
    return extended;
  }
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  directReadsOf.set(client, sqliteDirectReads(url));
  return client;
}

/** The direct reads on the database `db` is a client of (made by openDb). */
export function directReads(db: Db): DirectReads {
  const reads = directReadsOf.get(db);
  if (!reads) throw new Error("directReads: a database client not made by openDb");
  return reads;
}

/** Disconnects a client made by openDb, and closes its direct reads. */
export async function closeDb(db: Db): Promise<void> {
  await db.$disconnect();
  await directReadsOf.get(db)?.close();
}

let client: Db | null = null;

/** The process-wide client (one instance of this module per process: docs/decisions.md, "One module instance per process"). */
export function db(): Db {
  client ??= openDb();
  return client;
}
