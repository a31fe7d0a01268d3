import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client";
import { databaseUrl } from "./url";

export type Db = PrismaClient;

/** A Prisma client on the SQLite file at `url` (the configured database by default). */
export function openDb(url: string = databaseUrl()): Db {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

let client: Db | null = null;

/** The process-wide client (one instance of this module per process: docs/decisions.md, "One module instance per process"). */
export function db(): Db {
  client ??= openDb();
  return client;
}
