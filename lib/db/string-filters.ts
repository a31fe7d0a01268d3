/**
 * Prisma's `contains`, `startsWith` and `endsWith` are SQL LIKE. On SQLite, LIKE folds the case of
 * ASCII letters and has no escape character; on PostgreSQL it is case-sensitive and "\" escapes.
 * On PostgreSQL Hangar's client rewrites these filters to `mode: "insensitive"` (ILIKE, which under
 * the "C" collation of every text column folds ASCII letters only, as SQLite) with backslashes
 * doubled (a literal "\", as SQLite reads it), so one filter finds the same rows on both.
 * `%` and `_` stay wildcards on both: Prisma escapes neither (docs/decisions.md).
 */
const LIKE_FILTERS = ["contains", "startsWith", "endsWith"] as const;

/** A plain object of arguments; a Date, a Buffer or a Decimal is a value, left as it is. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function rewrite(node: unknown, inWhere: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, inWhere));
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewrite(value, inWhere || key === "where");
  if (inWhere && out.mode === undefined && LIKE_FILTERS.some((filter) => typeof out[filter] === "string")) {
    for (const filter of LIKE_FILTERS) if (typeof out[filter] === "string") out[filter] = out[filter].replaceAll("\\", "\\\\");
    out.mode = "insensitive";
  }
  return out;
}

/** The arguments of a Prisma operation with every LIKE filter under a `where` made to behave as on SQLite. */
export function likeOnSqlite<T>(args: T): T {
  return rewrite(args, false) as T;
}
