import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Actor } from "../auth/actor";
import { upsertUser } from "../auth/users";
import { storeImageFile } from "../catalog/register";
import type { CatalogDeps } from "../catalog/deps";
import { validationsSettled } from "../catalog/validation";
import { type Db, openDb } from "../db/client";
import type { TestBucket } from "./ceph";
import { insertImage, type TestImage } from "./images";
import { createTestDatabase } from "./test-database";
import { createTestStorage } from "./test-storage";

export interface CatalogTestEnv {
  dir: string;
  /** The database's URL, for code that opens its own client (DATABASE_URL). */
  databaseUrl: string;
  /** The files the database writes (SQLite's, or PostgreSQL's), for tests that look for a secret in clear. */
  databaseFiles(): Promise<string[]>;
  deps: CatalogDeps;
  /** The bucket of the images on S3 (and of uploads in progress: lib/testing/upload-env.ts); null on a local directory. */
  bucket: TestBucket | null;
  /** The keys the image store holds, read where they lie: for tests that check nothing is left behind. */
  storedKeys(): Promise<string[]>;
  db: Db;
  admin: Actor;
  alice: Actor;
  bob: Actor;
  /** A stored image with real bytes; returns its id. */
  addImage(input: TestImage): Promise<string>;
  /** A copy of `file` stored as a new private image of Alice's, as registration and the upload finish do (validation queued); returns its id. */
  storeCopy(file: string, name: string, properties?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real database (SQLite, or PostgreSQL in Vitest's postgresql projects: lib/testing/test-database.ts) and an
 * image store (a directory in a temporary folder, or a bucket of the run's RGW: lib/testing/test-storage.ts; `s3`
 * when given), with an admin and two users.
 */
export async function makeCatalogTestEnv({ s3 }: { s3?: TestBucket } = {}): Promise<CatalogTestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-test-"));
  const database = await createTestDatabase(dir);
  const db = openDb(database.url);
  const storage = await createTestStorage(dir, s3);
  const { store } = storage;
  const admin = await upsertUser(db, { email: "admin@test", name: "Admin", password: "admin-pass", role: "admin" });
  const alice = await upsertUser(db, { email: "alice@test", name: "Alice", password: "alice-pass", role: "user" });
  const bob = await upsertUser(db, { email: "bob@test", name: "Bob", password: "bob-pass", role: "user" });
  const deps = { db, store, importDir: path.join(dir, "import"), scratchDir: path.join(dir, "conversions") };
  return {
    dir,
    databaseUrl: database.url,
    databaseFiles: () => database.files(),
    db,
    deps,
    bucket: storage.bucket,
    storedKeys: () => storage.keys(),
    admin,
    alice,
    bob,
    addImage: (image) => insertImage(db, store, dir, image),
    async storeCopy(file, name, properties = {}) {
      const copy = path.join(dir, "incoming", name, path.basename(file));
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.copyFileSync(file, copy);
      const result = await storeImageFile(deps, { creator: alice, target: { visibility: "private", projectId: null }, name, filePath: copy, properties });
      if (!result.ok) throw new Error(result.error.message);
      return result.value.id;
    },
    async close() {
      // Validations a test started run on in the background, and their progress writes after them. On
      // PostgreSQL, $disconnect with writes in flight did not return (the pool waits for a connection
      // the engine never gives back): wait for the validations, then give it 5 s, and drop the database
      // with its connections anyway.
      await validationsSettled();
      await Promise.race([db.$disconnect(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await database.drop();
      await storage.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
