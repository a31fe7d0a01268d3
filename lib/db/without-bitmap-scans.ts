import { type Db, isPostgresClient } from "./client";

type Reader = Pick<Db, "image">;

/**
 * A read PostgreSQL must not answer with a bitmap scan: a substring search of fewer than three characters has
 * no trigram, so the trigram GIN index returns every row to be checked again, 3 to 4.7 s at a million images,
 * against 0.5 s for a sequential scan, and the planner, which does not know this, may take it anyway
 * (docs/decisions.md, "The catalog's search and page under 50 ms"). `SET LOCAL` lasts the transaction. On
 * SQLite, the read as it is.
 */
export async function withoutBitmapScans<T>(db: Db, read: (reader: Reader) => Promise<T>): Promise<T> {
  if (!isPostgresClient(db)) return read(db);
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_bitmapscan = off");
      return read(tx);
    },
    // The scan of a large catalog may outlast Prisma's 5 s default for a transaction, as a plain read would.
    { timeout: 60_000 },
  );
}
