import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Actor } from "../auth/actor";
import { upsertUser } from "../auth/users";
import { storeImageFile } from "../catalog/register";
import type { CatalogDeps } from "../catalog/deps";
import { type Db, openDb } from "../db/client";
import { applyMigrations } from "../db/migrate";
import { LocalImageStore } from "../storage/local-store";
import { insertImage, type TestImage } from "./images";

export interface CatalogTestEnv {
  dir: string;
  deps: CatalogDeps & { store: LocalImageStore };
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

/** A real SQLite database and image directory in a temporary folder, with an admin and two users. */
export async function makeCatalogTestEnv(): Promise<CatalogTestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-test-"));
  const file = path.join(dir, "hangar.db");
  applyMigrations(file);
  const db = openDb(`file:${file}`);
  const store = new LocalImageStore(path.join(dir, "images"));
  const admin = await upsertUser(db, { email: "admin@test", name: "Admin", password: "admin-pass", role: "admin" });
  const alice = await upsertUser(db, { email: "alice@test", name: "Alice", password: "alice-pass", role: "user" });
  const bob = await upsertUser(db, { email: "bob@test", name: "Bob", password: "bob-pass", role: "user" });
  const deps = { db, store, importDir: path.join(dir, "import"), scratchDir: path.join(dir, "conversions") };
  return {
    dir,
    db,
    deps,
    admin,
    alice,
    bob,
    addImage: (image) => insertImage(db, store, dir, image),
    async storeCopy(file, name, properties = {}) {
      const copy = path.join(dir, "incoming", name, path.basename(file));
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.copyFileSync(file, copy);
      const result = await storeImageFile(deps, { owner: alice, visibility: "private", name, filePath: copy, properties });
      if (!result.ok) throw new Error(result.error.message);
      return result.value.id;
    },
    async close() {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
