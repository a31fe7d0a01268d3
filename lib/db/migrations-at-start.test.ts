import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, type TestDatabase } from "../testing/postgres";
import { createTestDatabase, testDatabaseProvider, testPostgresServer } from "../testing/test-database";
import { pendingMigrations } from "./migrate";
import { migrationsAtStart } from "./migrations-at-start";
import { PROVIDERS } from "./providers";

// The server's start against a database behind this release's migrations (lib/db/migrations-at-start.ts), on the
// engine of the run; and the bookkeeping of the tests' fast migrations, which `prisma migrate deploy` must agree with.

let scratch: string;
const databases: TestDatabase[] = [];
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-migrations-"));
});
afterAll(async () => {
  for (const database of databases) await database.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const allMigrations = () =>
  fs
    .readdirSync(PROVIDERS[testDatabaseProvider()].migrations)
    .filter((name) => fs.existsSync(path.join(PROVIDERS[testDatabaseProvider()].migrations, name, "migration.sql")))
    .sort();

/** A database with no table at all: a new install. */
async function emptyDatabase(): Promise<string> {
  if (testDatabaseProvider() === "sqlite") return `file:${path.join(fs.mkdtempSync(path.join(scratch, "db-")), "hangar.db")}`;
  const database = await createPostgresDatabase(testPostgresServer(), { empty: true });
  databases.push(database);
  return database.url;
}

const prismaMigrateDeploy = (url: string) =>
  spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8" });

describe("pending migrations", () => {
  it("are none in a database the tests migrated, and prisma migrate deploy agrees", async () => {
    const database = await createTestDatabase(fs.mkdtempSync(path.join(scratch, "db-")));
    databases.push(database);
    expect(await pendingMigrations(database.url)).toEqual([]);
    const deploy = prismaMigrateDeploy(database.url);
    expect(deploy.status, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain("No pending migrations to apply.");
  });

  it("are all of them in an empty database", async () => {
    expect(await pendingMigrations(await emptyDatabase())).toEqual(allMigrations());
  });
});

describe("a start on a database behind this release", () => {
  it("stops with a message that says how to migrate, and changes nothing", async () => {
    const url = await emptyDatabase();
    await expect(migrationsAtStart({}, url)).rejects.toThrow(
      new RegExp(`the database has ${allMigrations().length} migrations of this release not applied \\(.+\\)\\. Apply them with \`npm run db:migrate\``),
    );
    expect(await pendingMigrations(url)).toEqual(allMigrations());
  });

  it("applies them first with HANGAR_MIGRATE_AT_START=1, as prisma migrate deploy records them", async () => {
    const url = await emptyDatabase();
    expect(await migrationsAtStart({ HANGAR_MIGRATE_AT_START: "1" }, url)).toEqual(allMigrations());
    expect(await pendingMigrations(url)).toEqual([]);
    expect(prismaMigrateDeploy(url).stdout).toContain("No pending migrations to apply.");
    // Nothing left to do at the next start.
    expect(await migrationsAtStart({}, url)).toEqual([]);
  }, 120_000);

  it("is refused by the server process, which exits 1 with the message and no stack", async () => {
    const url = await emptyDatabase();
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: { ...process.env, DATABASE_URL: url, PORT: "0", HOSTNAME: "127.0.0.1", HANGAR_DATA_DIR: scratch },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, output).toBe(1);
    expect(output).toMatch(/^Hangar cannot start: the database has \d+ migrations of this release not applied/m);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
