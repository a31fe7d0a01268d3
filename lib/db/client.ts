import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { type DirectReads, postgresDirectReads, sqliteDirectReads } from "./direct-reads";
import { PrismaClient } from "./generated/client";
import { PrismaClient as PostgresPrismaClient } from "./generated-postgresql/client";
import { postgresAdapter, postgresPool } from "./postgres";
import { likeOnSqlite } from "./string-filters";
import { type DatabaseProvider, databaseProvider, databaseUrl } from "./url";

export type Db = PrismaClient;

/** What the process keeps for one database it opened, beside Prisma's client: everything closeDb closes. */
interface OpenDatabase {
  /** PostgreSQL is the one engine whose planner Hangar steers (lib/db/without-bitmap-scans.ts). */
  provider: DatabaseProvider;
  /** Reads past Prisma on the same database (lib/db/direct-reads.ts). */
  reads: DirectReads;
}

/**
 * The one registry of open databases, by the client openDb returned: callers hold the client, and two openDb of one
 * URL (two nodes in a test, a migration beside the server's client) are two databases to close, each on its own.
 */
const open = new WeakMap<Db, OpenDatabase>();

function opened(db: Db): OpenDatabase {
  const database = open.get(db);
  // A transaction's client is never one: a read past Prisma runs outside any transaction (docs/decisions.md,
  // "Direct reads see what is committed").
  if (!database) throw new Error("Not a database client made by openDb (a transaction's client is not one), or one closed");
  return database;
}

export const isPostgresClient = (db: Db) => opened(db).provider === "postgresql";

/** A Prisma client on the database at `url` (the configured one by default): SQLite for `file:`, PostgreSQL for `postgresql://`. */
export function openDb(url: string = databaseUrl()): Db {
  if (databaseProvider(url) === "postgresql") {
    // Both clients are generated from one datamodel (scripts/db/schemas.ts, checked by its test), so the
    // PostgreSQL one answers the calls the code makes with the SQLite client's types; its LIKE filters
    // are made to match as SQLite's do (lib/db/string-filters.ts).
    const pool = postgresPool(url);
    const client = new PostgresPrismaClient({ adapter: postgresAdapter(pool) });
    const extended = client.$extends({ query: { $allModels: { $allOperations: ({ args, query }) => query(likeOnSqlite(args)) } } }) as unknown as Db;
    open.set(extended, { provider: "postgresql", reads: postgresDirectReads(pool) });
    return extended;
  }
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  open.set(client, { provider: "sqlite", reads: sqliteDirectReads(url) });
  return client;
}

/**
 * The direct reads on the database `db` is a client of (made by openDb). They see what is committed, never what a
 * transaction in progress wrote: a transaction's client (Prisma.TransactionClient, without $transaction) is not a Db,
 * so it does not compile here, and is refused if cast to one (lib/db/direct-reads.test.ts).
 */
export const directReads = (db: Db): DirectReads => opened(db).reads;

/** Disconnects a client made by openDb, and closes everything the process kept for its database. */
export async function closeDb(db: Db): Promise<void> {
  const database = open.get(db);
  open.delete(db);
  await db.$disconnect();
  await database?.reads.close();
}

let client: Db | null = null;

/** The process-wide client (one instance of this module per process: docs/decisions.md, "One module instance per process"). */
export function db(): Db {
  client ??= openDb();
  return client;
}
