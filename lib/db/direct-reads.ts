import Database from "better-sqlite3";
import pg from "pg";

/**
 * A read on the hot path of every request (the session's user, an upload's record), sent to the driver past Prisma's
 * query compiler and interpreter, which cost the node about twenty times the driver's own CPU per statement
 * (docs/decisions.md, "The fixed cost of one PATCH: the hot reads past Prisma"). One text for both engines: table and
 * column names double-quoted as Prisma creates them, parameters `$1`, `$2`, ... (PostgreSQL's; SQLite gets `?`), and no
 * parameter other than text, so that neither engine's way of storing a date or a boolean is in the SQL: values are
 * compared in JavaScript after `storedDate`, `storedBigInt` and `storedBoolean`.
 */
export interface DirectStatement {
  /** Unique per statement text: PostgreSQL prepares it once per connection under this name. */
  name: string;
  sql: string;
}

/** A way to run DirectStatements on one database. */
export interface DirectReads {
  rows(statement: DirectStatement, params: string[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

// Prisma's DateTime is a timestamp without time zone on PostgreSQL, in UTC (pg's default reads it as local time).
const pgTypes = new pg.TypeOverrides();
pgTypes.setTypeParser(pg.types.builtins.TIMESTAMP, (value: string) => new Date(`${value.replace(" ", "T")}Z`));
pgTypes.setTypeParser(pg.types.builtins.INT8, (value: string) => BigInt(value));

/** On PostgreSQL, through the pool Prisma's adapter uses as well (lib/db/client.ts): no connections of its own. */
export function postgresDirectReads(pool: pg.Pool): DirectReads {
  return {
    async rows(statement, params) {
      return (await pool.query<Record<string, unknown>>({ name: statement.name, text: statement.sql, values: params, types: pgTypes })).rows;
    },
    // The pool is Prisma's to end ($disconnect).
    close: () => Promise.resolve(),
  };
}

/**
 * On SQLite, through a connection of its own to the file. better-sqlite3 runs each statement to its end in one
 * synchronous call, so a read here never interleaves with a commit on Prisma's connection: it sees what was committed.
 */
export function sqliteDirectReads(url: string): DirectReads {
  let connection: Database.Database | null = null;
  const prepared = new Map<string, { statement: Database.Statement; order: number[] }>();
  const prepare = (statement: DirectStatement) => {
    const known = prepared.get(statement.name);
    if (known) return known;
    if (!connection) {
      connection = new Database(url.replace(/^file:/, ""), { fileMustExist: true });
      connection.defaultSafeIntegers(true);
    }
    // `$n` to `?`, the parameters bound in the order the placeholders appear.
    const order: number[] = [];
    const sql = statement.sql.replace(/\$(\d+)/g, (_, n: string) => {
      order.push(Number(n) - 1);
      return "?";
    });
    const made = { statement: connection.prepare(sql), order };
    prepared.set(statement.name, made);
    return made;
  };
  return {
    rows(statement, params) {
      const { statement: ready, order } = prepare(statement);
      return Promise.resolve(ready.all(order.map((i) => params[i])) as Record<string, unknown>[]);
    },
    close() {
      prepared.clear();
      connection?.close();
      connection = null;
      return Promise.resolve();
    },
  };
}

/**
 * A DateTime column as either engine returns it: a Date (PostgreSQL, above), ISO 8601 text (Prisma's SQLite
 * adapter), text without a zone (SQLite's CURRENT_TIMESTAMP default, in UTC) or milliseconds.
 */
export function storedDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "bigint" || typeof value === "number") return new Date(Number(value));
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
}

export const storedNullableDate = (value: unknown): Date | null => (value === null || value === undefined ? null : storedDate(value));

/** A BigInt column: a bigint on both engines (safe integers on SQLite, the parser above on PostgreSQL). */
export const storedBigInt = (value: unknown): bigint => BigInt(value as bigint | number | string);

/** A Boolean column: true or false on PostgreSQL, 1 or 0 on SQLite. */
export const storedBoolean = (value: unknown): boolean => value === true || value === 1 || value === 1n;
