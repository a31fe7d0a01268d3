import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// pg's type OIDs: "char" (18) and name (19), which the adapter cannot map, and text (25), which it can.
const CHAR = 18;
const NAME = 19;
const TEXT = 25;

function namesAsText<T>(result: T): T {
  for (const field of (result as { fields?: pg.FieldDef[] } | undefined)?.fields ?? []) {
    if (field.dataTypeID === CHAR || field.dataTypeID === NAME) field.dataTypeID = TEXT;
  }
  return result;
}

/** Reports result columns of the "char" and name types as text, in both of pg's calling styles (callback and promise). */
function reportNamesAsText(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => (last as (e: unknown, r: unknown) => void)(error, namesAsText(result));
      return query(...args);
    }
    const returned = query(...args);
    return returned instanceof Promise ? returned.then(namesAsText) : returned;
  }) as typeof client.query;
}

/**
 * The adapter `prisma migrate` uses (prisma.config.ts), with two workarounds for Prisma 6.19's JS
 * schema engine on PostgreSQL:
 * - its catalog queries return columns of the name and "char" types, which the adapter has no mapping
 *   for ("Column type 'name' could not be deserialized", prisma/orm#27403): they are reported as text;
 * - the pool's idle connections close at once and do not hold the process open, so the command exits
 *   when it is done instead of about 10 s later.
 */
export function migrateAdapter(url: string): PrismaPg {
  const pool = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 50, allowExitOnIdle: true });
  pool.on("connect", reportNamesAsText);
  return new PrismaPg(pool, { disposeExternalPool: true });
}
