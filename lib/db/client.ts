import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client";
import { databaseUrl } from "./url";

export type Db = PrismaClient;

/** A Prisma client on the SQLite file at `url` (the configured database by default). */
export function openDb(url: string = databaseUrl()): Db {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

const globalForDb = globalThis as unknown as { hangarDb?: Db };

/** The process-wide client; kept on globalThis so dev-mode reloads reuse one connection. */
export function db(): Db {
  globalForDb.hangarDb ??= openDb();
  return globalForDb.hangarDb;
}
