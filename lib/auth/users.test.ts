import { afterAll, beforeAll, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { authenticate, upsertUser } from "./users";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

it("signs in with the right password, case-insensitively on the email", async () => {
  const actor = await authenticate(env.db, "  ALICE@test ", "alice-pass");
  expect(actor).toMatchObject({ id: env.alice.id, role: "user" });
});

it("gives the same null for a wrong password and an unknown email", async () => {
  expect(await authenticate(env.db, "alice@test", "wrong")).toBeNull();
  expect(await authenticate(env.db, "nobody@test", "alice-pass")).toBeNull();
});

it("stores an argon2id hash, never the password", async () => {
  const row = await env.db.user.findUniqueOrThrow({ where: { email: "alice@test" } });
  expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  expect(row.passwordHash).not.toContain("alice-pass");
});

it("re-seeding updates the password and role of an existing account", async () => {
  await upsertUser(env.db, { email: "bob@test", name: "Bob", password: "new-pass", role: "admin" });
  expect(await authenticate(env.db, "bob@test", "bob-pass")).toBeNull();
  expect(await authenticate(env.db, "bob@test", "new-pass")).toMatchObject({ role: "admin" });
});
