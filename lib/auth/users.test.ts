import { afterAll, beforeAll, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { checkLocalPassword, upsertUser } from "./users";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

it("signs in with the right password, case-insensitively on the email", async () => {
  expect(await checkLocalPassword(env.db, "  ALICE@test ", "alice-pass")).toMatchObject({ outcome: "ok", actor: { id: env.alice.id, role: "user" } });
});

it("tells a wrong password from an unknown email only to the caller, never the actor", async () => {
  expect(await checkLocalPassword(env.db, "alice@test", "wrong")).toEqual({ outcome: "wrong" });
  expect(await checkLocalPassword(env.db, "nobody@test", "alice-pass")).toEqual({ outcome: "unknown" });
});

it("stores an argon2id hash, never the password", async () => {
  const row = await env.db.user.findUniqueOrThrow({ where: { email: "alice@test" } });
  expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  expect(row.passwordHash).not.toContain("alice-pass");
});

it("re-seeding updates the password and role of an existing account", async () => {
  await upsertUser(env.db, { email: "bob@test", name: "Bob", password: "new-pass", role: "admin" });
  expect(await checkLocalPassword(env.db, "bob@test", "bob-pass")).toEqual({ outcome: "wrong" });
  expect(await checkLocalPassword(env.db, "bob@test", "new-pass")).toMatchObject({ outcome: "ok", actor: { role: "admin" } });
});
