import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { testDir } from "../testing/test-dir";
import { closeDb, type Db, directReads, openDb } from "./client";
import type { DirectStatement } from "./direct-reads";

// Direct reads (lib/db/direct-reads.ts) run outside any transaction: on SQLite on a connection of their own, on
// PostgreSQL on a pooled connection that is not the transaction's. Code inside a transaction reads through its client.

let database: TestDatabase;
let db: Db;
const dir = path.join(testDir, "direct-reads");

beforeAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  database = await createTestDatabase(dir);
  db = openDb(database.url);
});
afterAll(async () => {
  await closeDb(db);
  await database.drop();
});

const USER_BY_EMAIL: DirectStatement = { name: "hangar_test_user_by_email", sql: `SELECT "id" FROM "User" WHERE "email" = $1` };

it("take a database client, never a transaction's: they would not see the transaction's writes", async () => {
  const email = "in-a-transaction@example.test";
  await db.$transaction(async (tx) => {
    await tx.user.create({ data: { email, name: "In a transaction" } });
    // @ts-expect-error A transaction's client is not a Db: it does not compile, and is refused if cast.
    expect(() => directReads(tx)).toThrow(/a transaction's client is not one/);
    // Why: the same read through the database's client runs outside the transaction, and misses its write.
    expect(await directReads(db).rows(USER_BY_EMAIL, [email])).toEqual([]);
    expect(await tx.user.count({ where: { email } })).toBe(1);
  });
  expect(await directReads(db).rows(USER_BY_EMAIL, [email])).toHaveLength(1);
});

it("are closed with their client", async () => {
  const other = openDb(database.url);
  expect(await directReads(other).rows(USER_BY_EMAIL, ["nobody@example.test"])).toEqual([]);
  await closeDb(other);
  expect(() => directReads(other)).toThrow(/or one closed/);
});
