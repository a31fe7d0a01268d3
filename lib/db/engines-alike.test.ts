import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nameColumns, searchKey } from "../catalog/image-name";
import { createPostgresDatabase, type TestDatabase } from "../testing/postgres";
import { testPostgresServer } from "../testing/test-database";
import { type Db, openDb } from "./client";
import { applyMigrations } from "./migrate";

// One SQLite file and one PostgreSQL database (Vitest's postgresql project), the same rows, the same questions.
const NAMES = [
  "Alpha",
  "alpha",
  "beta",
  "Beta 2",
  "Über",
  "über",
  "50% off",
  "500 off",
  "a_b",
  "axb",
  "back\\slash",
  "Zeta",
  "é-e",
  "e-é",
  "É-big",
  "~tilde",
  "Ünïcode",
];
let dir: string;
let postgres: TestDatabase;
const dbs: Record<"sqlite" | "postgresql", Db> = {} as Record<"sqlite" | "postgresql", Db>;
let owners: Record<"sqlite" | "postgresql", string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-engines-alike-"));
  applyMigrations(path.join(dir, "hangar.db"));
  dbs.sqlite = openDb(`file:${path.join(dir, "hangar.db")}`);
  postgres = await createPostgresDatabase(testPostgresServer());
  dbs.postgresql = openDb(postgres.url);
  owners = { sqlite: "", postgresql: "" };
  for (const engine of ["sqlite", "postgresql"] as const) {
    const owner = await dbs[engine].user.create({ data: { email: "owner@test", name: "Owner", passwordHash: "x" } });
    owners[engine] = owner.id;
    // Names that differ only in case share a key: each name gets a scope of its own, so that both can be compared.
    for (const [index, name] of NAMES.entries()) {
      const data = {
        ...nameColumns(name, "private", owner.id),
        nameScope: `${owner.id}:${String(index)}`,
        visibility: "private",
        createdById: owner.id,
        status: "ready",
      };
      await dbs[engine].image.create({ data });
    }
  }
});
afterAll(async () => {
  await dbs.sqlite.$disconnect();
  await dbs.postgresql.$disconnect();
  await postgres.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The names each engine answers, as a pair to compare. */
async function both(where: object, orderBy: object = { name: "asc" }): Promise<{ sqlite: string[]; postgresql: string[] }> {
  const names = async (db: Db) => (await db.image.findMany({ where, orderBy: [orderBy, { id: "asc" }], select: { name: true } })).map((row) => row.name);
  return { sqlite: await names(dbs.sqlite), postgresql: await names(dbs.postgresql) };
}

describe("SQLite and PostgreSQL answer alike", () => {
  it("sort text by code point, upper case before lower, whatever the server's collation", async () => {
    const { sqlite, postgresql } = await both({});
    expect(postgresql).toEqual(sqlite);
    expect(sqlite).toEqual([...NAMES].sort());
    expect((await both({}, { name: "desc" })).postgresql).toEqual([...NAMES].sort().reverse());
  });

  it.each(["alp", "ALP", "über", "ÜBER", "é", "E", "%", "_", "0%", "\\", "ta 2", "nothing"])("find the same names containing %j", async (text) => {
    const { sqlite, postgresql } = await both({ name: { contains: text } });
    expect(postgresql).toEqual(sqlite);
  });

  it.each(["alp", "ALP", "über", "ÜBER", "é", "E", "%", "_", "0%", "\\", "ta 2", "nothing"])(
    "find the same names whose key contains the key of %j (the catalog's search)",
    async (text) => {
      const { sqlite, postgresql } = await both({ nameKey: { contains: searchKey(text) } });
      expect(postgresql).toEqual(sqlite);
    },
  );

  it("fold the case of ASCII letters only, in a LIKE filter on the name", async () => {
    expect((await both({ name: { contains: "ALP" } })).postgresql).toEqual(["Alpha", "alpha"]);
    expect((await both({ name: { contains: "ÜBER" } })).postgresql).toEqual(["Über"]);
  });

  it("find by prefix and suffix alike", async () => {
    for (const where of [{ name: { startsWith: "B" } }, { name: { endsWith: "E" } }, { name: { startsWith: "é" } }]) {
      const { sqlite, postgresql } = await both(where);
      expect(postgresql).toEqual(sqlite);
    }
  });

  it("compare names exactly, and refuse a name whose key is taken (another case, another Unicode form) the same way", async () => {
    for (const engine of ["sqlite", "postgresql"] as const) {
      const db = dbs[engine];
      const ownerId = owners[engine];
      expect(await db.image.count({ where: { name: "Über" } }), engine).toBe(1);
      expect(await db.image.count({ where: { name: "ÜBER" } }), engine).toBe(0);
      for (const [name, taken] of [
        ["ALPHA", "Alpha"],
        ["Über".normalize("NFD"), "Über"],
      ]) {
        const { nameScope } = await db.image.findFirstOrThrow({ where: { name: taken, createdById: ownerId } });
        await expect(
          db.image.create({ data: { ...nameColumns(name, "private", ownerId), nameScope, visibility: "private", createdById: ownerId, status: "ready" } }),
          engine,
        ).rejects.toMatchObject({
          code: "P2002",
        });
      }
    }
  });
});
