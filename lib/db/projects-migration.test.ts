import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { migrationScratch } from "../testing/migration-scratch";
import { createPostgresDatabase } from "../testing/postgres";
import { testPostgresServer } from "../testing/test-database";
import { applyMigrations, applyPostgresMigrations } from "./migrate";
import { PROVIDERS } from "./providers";

// The migration that brought projects must give every existing user a personal project they own (with
// the quota an administrator set for them), move their private images into it (names were unique per
// owner, they are per project), keep who created each image, leave platform images in no project, and
// keep tokens and uploads. Both twins (the data statements of PostgreSQL's written by hand) give the
// same rows: Vitest's postgresql project runs this file.
const MIGRATION = "20261213000003_projects";
const scratch = migrationScratch();
const { migrations } = scratch;
afterAll(() => scratch.cleanUp());

const USERS: [string, string, string, string, number | null][] = [
  ["u1", "admin@test", "Admin", "admin", null],
  ["u2", "first_last@test", "First Last", "user", 5000],
  ["u3", "idle@test", "Idle", "user", null],
];
// id, name, nameKey, nameScope, visibility, ownerId, status, fileSize
const IMAGES: [string, string, string, string, string, string, string, number][] = [
  ["i1", "Golden", "golden", "platform", "platform", "u1", "ready", 100],
  ["i2", "debian", "debian", "u2", "private", "u2", "ready", 1000],
  ["i3", "Debian (old)", "debian (old)", "u2", "private", "u2", "rejected", 2000],
  ["i4", "debian", "debian", "u1", "private", "u1", "uploading", 4000],
];

const PROJECTS = [
  { id: "personal-u1", name: "admin@test", nameKey: "admin@test", kind: "personal", personalUserId: "u1", quotaBytes: null },
  { id: "personal-u2", name: "first_last@test", nameKey: "first\uE05Flast@test", kind: "personal", personalUserId: "u2", quotaBytes: 5000 },
  { id: "personal-u3", name: "idle@test", nameKey: "idle@test", kind: "personal", personalUserId: "u3", quotaBytes: null },
];
const MEMBERS = [
  { projectId: "personal-u1", userId: "u1", role: "owner", source: "manual" },
  { projectId: "personal-u2", userId: "u2", role: "owner", source: "manual" },
  { projectId: "personal-u3", userId: "u3", role: "owner", source: "manual" },
];
const MIGRATED_IMAGES = [
  {
    id: "i1",
    name: "Golden",
    visibility: "platform",
    projectId: null,
    createdById: "u1",
    nameScope: "platform",
    nameKey: "golden",
    status: "ready",
    fileSize: 100,
  },
  {
    id: "i2",
    name: "debian",
    visibility: "private",
    projectId: "personal-u2",
    createdById: "u2",
    nameScope: "personal-u2",
    nameKey: "debian",
    status: "ready",
    fileSize: 1000,
  },
  // prettier-ignore
  { id: "i3", name: "Debian (old)", visibility: "private", projectId: "personal-u2", createdById: "u2", nameScope: "personal-u2", nameKey: "debian (old)", status: "rejected", fileSize: 2000 },
  // prettier-ignore
  { id: "i4", name: "debian", visibility: "private", projectId: "personal-u1", createdById: "u1", nameScope: "personal-u1", nameKey: "debian", status: "uploading", fileSize: 4000 },
];
const TOKENS = [{ id: "t1", userId: "u2", projectId: null, scope: "full" }];
// The migrations before this one: single sign-on's columns and an import's row, which the table rebuilds must keep.
const SIGN_INS = [
  { id: "u1", authSource: "local", externalId: null },
  { id: "u2", authSource: "local", externalId: null },
  { id: "u3", authSource: "oidc", externalId: "https://id.example#3" },
];
const IMPORTS = [{ id: "im1", userId: "u1", imageId: "i4" }];
const UPLOADS = [{ id: "up1", userId: "u1", imageId: "i4" }];

const Q = {
  projects: `SELECT id, name, "nameKey", kind, "personalUserId", "quotaBytes" FROM "Project" ORDER BY id`,
  members: `SELECT "projectId", "userId", role, source FROM "ProjectMember" ORDER BY "userId"`,
  images: `SELECT id, name, visibility, "projectId", "createdById", "nameScope", "nameKey", status, "fileSize" FROM "Image" ORDER BY id`,
  tokens: `SELECT id, "userId", "projectId", scope FROM "ApiToken"`,
  uploads: `SELECT id, "userId", "imageId" FROM "Upload"`,
  signIns: `SELECT id, "authSource", "externalId" FROM "User" ORDER BY id`,
  imports: `SELECT id, "userId", "imageId" FROM "ImageImport"`,
};
const INSERT = {
  user: `INSERT INTO "User" (id, email, name, "passwordHash", role, "personalQuotaBytes") VALUES ($1, $2, $3, 'x', $4, $5)`,
  image: `INSERT INTO "Image" (id, name, "nameKey", "nameScope", visibility, "ownerId", status, "fileSize", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '2026-01-01 00:00:00', CURRENT_TIMESTAMP)`,
  token: `INSERT INTO "ApiToken" (id, "userId", name, prefix, hash) VALUES ('t1', 'u2', 'ci', 'hgr_abc', 'hash-1')`,
  upload: `INSERT INTO "Upload" (id, "userId", "imageId", "fileName", length) VALUES ('up1', 'u1', 'i4', 'debian.qcow2', 4000)`,
  signIn: `UPDATE "User" SET "authSource" = 'oidc', "externalId" = 'https://id.example#3' WHERE id = 'u3'`,
  import: `INSERT INTO "ImageImport" (id, "userId", "imageId", url, "fileName", status, "updatedAt") VALUES ('im1', 'u1', 'i4', 'https://mirror.example/debian.qcow2', 'debian.qcow2', 'downloading', CURRENT_TIMESTAMP)`,
};
const sqliteParams = (sql: string) => sql.replace(/\$\d+/g, "?");

it("SQLite: gives existing users personal projects and moves their private images into them", () => {
  const from = PROVIDERS.sqlite.migrations;
  const file = path.join(scratch.dir, "hangar.db");
  applyMigrations(
    file,
    migrations(from, (name) => name < MIGRATION),
  );
  const before = new Database(file);
  for (const row of USERS) before.prepare(sqliteParams(INSERT.user)).run(...row);
  for (const row of IMAGES) before.prepare(sqliteParams(INSERT.image)).run(...row);
  before.prepare(INSERT.token).run();
  before.prepare(INSERT.upload).run();
  before.prepare(INSERT.signIn).run();
  before.prepare(INSERT.import).run();
  before.close();

  applyMigrations(
    file,
    migrations(from, (name) => name === MIGRATION),
  );
  const after = new Database(file, { readonly: true });
  const rows = (sql: string) => after.prepare(sql).all();
  expect(rows(Q.projects)).toEqual(PROJECTS);
  expect(rows(Q.members)).toEqual(MEMBERS);
  expect(rows(Q.images)).toEqual(MIGRATED_IMAGES);
  expect(rows(Q.tokens)).toEqual(TOKENS);
  expect(rows(Q.uploads)).toEqual(UPLOADS);
  expect(rows(Q.signIns)).toEqual(SIGN_INS);
  expect(rows(Q.imports)).toEqual(IMPORTS);
  expect(rows(`PRAGMA foreign_key_check`)).toEqual([]);
  after.close();
});

it("PostgreSQL: its twin gives the same rows", async () => {
  const from = PROVIDERS.postgresql.migrations;
  const database = await createPostgresDatabase(testPostgresServer(), { empty: true });
  scratch.databases.push(database);
  await applyPostgresMigrations(
    database.url,
    migrations(from, (name) => name < MIGRATION),
  );
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // BIGINT comes back as text from pg: compare numbers.
  const rows = async (sql: string) =>
    (await client.query(sql)).rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, ["quotaBytes", "fileSize"].includes(key) && value !== null ? Number(value) : value])),
    );
  try {
    for (const row of USERS) await client.query(INSERT.user, row);
    for (const row of IMAGES) await client.query(INSERT.image, row);
    await client.query(INSERT.token);
    await client.query(INSERT.upload);
    await client.query(INSERT.signIn);
    await client.query(INSERT.import);
    await applyPostgresMigrations(
      database.url,
      migrations(from, (name) => name === MIGRATION),
    );
    expect(await rows(Q.projects)).toEqual(PROJECTS);
    expect(await rows(Q.members)).toEqual(MEMBERS);
    expect(await rows(Q.images)).toEqual(MIGRATED_IMAGES);
    expect(await rows(Q.tokens)).toEqual(TOKENS);
    expect(await rows(Q.uploads)).toEqual(UPLOADS);
    expect(await rows(Q.signIns)).toEqual(SIGN_INS);
    expect(await rows(Q.imports)).toEqual(IMPORTS);
  } finally {
    await client.end();
  }
});
