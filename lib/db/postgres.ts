import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

/** Prisma's driver adapter on `pool`, which it ends on $disconnect (the direct reads share it: lib/db/direct-reads.ts). */
export function postgresAdapter(pool: pg.Pool): PrismaPg {
  return new PrismaPg(pool, { disposeExternalPool: true });
}

/** The pool of connections to `url` a node's database client keeps. */
export function postgresPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url });
  // An idle connection that PostgreSQL ended (a restart, a dropped database) leaves the pool, and the next query opens
  // another. Heard here from the start: the first query may be a direct read, before Prisma's adapter listens too.
  pool.on("error", () => undefined);
  return pool;
}
