import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { type Db, openDb } from "../db/client";
import { type CatalogTestEnv, makeCatalogTestEnv } from "../testing/catalog-env";
import { authSecret, loadAuthSecret } from "./secret";

// Nodes share the secret through their database, not a file each writes (lib/auth/secret.ts); on both databases.
let env: CatalogTestEnv;
const clients: Db[] = [];
const saved = process.env.NEXTAUTH_SECRET;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterEach(async () => {
  process.env.NEXTAUTH_SECRET = saved;
  if (saved === undefined) delete process.env.NEXTAUTH_SECRET;
  await env.db.setting.deleteMany();
});
afterAll(async () => {
  for (const client of clients) await client.$disconnect();
  await env.close();
});

/** Another node's connection to the same database, with its own data directory. */
function node(name: string): { db: Db; dir: string } {
  const db = openDb(env.databaseUrl);
  clients.push(db);
  const dir = path.join(env.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  return { db, dir };
}

const storedSecrets = async () => (await env.db.setting.findMany({ where: { key: "auth-secret" } })).map((row) => row.value);

it("nodes starting at the same time agree on one secret, written once, and none writes a file", async () => {
  delete process.env.NEXTAUTH_SECRET;
  const nodes = [node("a"), node("b"), node("c")];
  await Promise.all(nodes.map(({ db, dir }) => loadAuthSecret(db, dir)));
  const stored = await storedSecrets();
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatch(/^[\w-]{43}$/);
  expect(authSecret()).toBe(stored[0]);
  for (const { dir } of nodes) expect(fs.readdirSync(dir)).toEqual([]);
});

it("an install that kept its secret in a file keeps it: the file's secret becomes the shared one, and the file stays", async () => {
  delete process.env.NEXTAUTH_SECRET;
  const first = node("upgraded");
  fs.writeFileSync(path.join(first.dir, "auth-secret"), "the-secret-of-an-earlier-version\n");
  await loadAuthSecret(first.db, first.dir);
  const second = node("added");
  await loadAuthSecret(second.db, second.dir);
  expect(await storedSecrets()).toEqual(["the-secret-of-an-earlier-version"]);
  expect(authSecret()).toBe("the-secret-of-an-earlier-version");
  expect(fs.existsSync(path.join(first.dir, "auth-secret"))).toBe(true);
});

it("NEXTAUTH_SECRET, when set, is the secret, and nothing is written", async () => {
  process.env.NEXTAUTH_SECRET = "from-the-environment";
  const one = node("configured");
  await loadAuthSecret(one.db, one.dir);
  expect(authSecret()).toBe("from-the-environment");
  expect(await storedSecrets()).toEqual([]);
});
