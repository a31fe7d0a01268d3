import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { EXPIRY_CHOICES } from "./token-expiry";
import { authenticateToken, createToken, hashToken, LAST_USE_RESOLUTION_MS, listTokens, MAX_ACTIVE_TOKENS, revokeToken } from "./tokens";
import { ensurePersonalProject } from "../projects/personal";
import { upsertUser } from "./users";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

async function newToken(input: Record<string, unknown> = {}, actor = env.alice, now?: Date) {
  const result = await createToken(env.db, actor, { name: "laptop", expiresInDays: 30, ...input }, now);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("creating", () => {
  it("returns a prefixed high-entropy secret once and stores only its sha256", async () => {
    const { token, secret } = await newToken({ name: "  ci pipeline  " });
    expect(secret).toMatch(/^hgr_[0-9A-Za-z]{43}$/);
    expect(token).toMatchObject({ name: "ci pipeline", prefix: secret.slice(0, 12), state: "active", lastUsedAt: null });
    const row = await env.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.hash).toBe(hashToken(secret));
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    for (const value of Object.values(row)) expect(String(value)).not.toContain(secret.slice(12));
    // Not in any page of the database's files either (write-ahead log included).
    const files = await env.databaseFiles();
    // The files hold the row (its hash is there), so the secret would be found if it were stored.
    expect(files.some((file) => fs.readFileSync(file).includes(row.hash))).toBe(true);
    for (const file of files) expect(fs.readFileSync(file).includes(secret.slice(12)), file).toBe(false);
  });

  it("gives every token a different secret", async () => {
    const secrets = new Set<string>();
    for (let i = 0; i < 20; i++) secrets.add((await newToken({ name: `t${i}` }, env.bob)).secret);
    expect(secrets.size).toBe(20);
    await env.db.apiToken.deleteMany({ where: { userId: env.bob.id } });
  });

  it("sets the expiry from the chosen number of days, or none", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    expect((await newToken({ expiresInDays: "7" }, env.alice, now)).token.expiresAt).toBe("2030-01-08T00:00:00.000Z");
    expect((await newToken({ expiresInDays: "never" })).token.expiresAt).toBeNull();
    expect((await newToken({ expiresInDays: null })).token.expiresAt).toBeNull();
  });

  it.each(EXPIRY_CHOICES.map((choice) => [choice.label, choice.value]))("accepts the form's choice %s (%s)", async (_, value) => {
    const now = new Date("2030-01-01T00:00:00Z");
    const { expiresAt } = (await newToken({ expiresInDays: value }, env.alice, now)).token;
    expect(expiresAt).toBe(value === "never" ? null : new Date(now.getTime() + Number(value) * 86_400_000).toISOString());
  });

  it.each([
    ["name", { name: "   " }],
    ["name", { name: "x".repeat(101) }],
    ["name", { name: "a\nb" }],
    ["expiresInDays", { expiresInDays: 0 }],
    ["expiresInDays", { expiresInDays: 1.5 }],
    ["expiresInDays", { expiresInDays: 100_000 }],
    ["expiresInDays", { expiresInDays: "soon" }],
    ["form", { role: "admin" }],
  ])("refuses a bad %s with a message on that field and stores nothing", async (field, input) => {
    const before = await env.db.apiToken.count();
    const result = await createToken(env.db, env.alice, { name: "ok", expiresInDays: 30, ...input });
    expect(result.ok ? "ok" : result.error.code).toBe("invalid");
    expect(result.ok ? undefined : result.error.fields?.[field]).toBeTruthy();
    expect(await env.db.apiToken.count()).toBe(before);
  });

  it("needs a signed-in user", async () => {
    const result = await createToken(env.db, null, { name: "x", expiresInDays: null });
    expect(result.ok ? "ok" : result.error.code).toBe("unauthenticated");
  });

  it(`caps a user at ${MAX_ACTIVE_TOKENS} active tokens; revoked ones do not count`, async () => {
    const carol = await upsertUser(env.db, { email: "carol@test", name: "Carol", password: "carol-pass", role: "user" });
    const first = await newToken({ name: "t0" }, carol);
    for (let i = 1; i < MAX_ACTIVE_TOKENS; i++) await newToken({ name: `t${i}` }, carol);
    const refused = await createToken(env.db, carol, { name: "one more", expiresInDays: null });
    expect(refused.ok ? "ok" : refused.error.code).toBe("conflict");
    await revokeToken(env.db, carol, first.token.id);
    expect((await createToken(env.db, carol, { name: "one more", expiresInDays: null })).ok).toBe(true);
  });
});

describe("authenticating", () => {
  it("acts as the token's user with the user's current role, never more", async () => {
    const dave = await upsertUser(env.db, { email: "dave@test", name: "Dave", password: "dave-pass", role: "admin" });
    const { secret } = await newToken({}, dave);
    const asAdmin = await authenticateToken(env.db, secret);
    // The actor carries the token's limits since projects: this token's are none (every project, full scope).
    expect(asAdmin.ok && asAdmin.value.actor).toEqual({ ...dave, limits: { projectId: null, scope: "full" } });
    await env.db.user.update({ where: { id: dave.id }, data: { role: "user" } });
    const demoted = await authenticateToken(env.db, secret);
    expect(demoted.ok && demoted.value.actor.role).toBe("user");
  });

  it("refuses a malformed, unknown, revoked or expired token", async () => {
    const start = new Date();
    const { secret, token } = await newToken({ expiresInDays: 1 }, env.alice, start);
    expect((await authenticateToken(env.db, secret, start)).ok).toBe(true);
    for (const bad of ["", "hgr_", "not-a-token", secret.slice(0, -1), `${secret.slice(0, -1)}${secret.endsWith("a") ? "b" : "a"}`]) {
      const result = await authenticateToken(env.db, bad);
      expect(result.ok ? "ok" : result.error.code).toBe("unauthenticated");
    }
    const later = new Date(start.getTime() + 86_400_000);
    const expired = await authenticateToken(env.db, secret, later);
    expect(expired.ok ? "ok" : expired.error.message).toMatch(/expired/);
    await revokeToken(env.db, env.alice, token.id);
    const revoked = await authenticateToken(env.db, secret, start);
    expect(revoked.ok ? "ok" : revoked.error.message).toMatch(/revoked/);
  });

  it("carries the token's project (its id and name) and scope, and refuses a disabled account's token", async () => {
    const erin = await upsertUser(env.db, { email: "erin@test", name: "Erin", password: "erin-pass", role: "user" });
    const project = await ensurePersonalProject(env.db, erin);
    const { secret } = await newToken({ projectId: project.id, scope: "read", expiresInDays: null }, erin);
    const limited = await authenticateToken(env.db, secret);
    expect(limited.ok && limited.value).toMatchObject({
      actor: { ...erin, limits: { projectId: project.id, scope: "read" } },
      token: { scope: "read", expiresAt: null, project: { id: project.id, name: "erin@test" } },
    });
    const { secret: everywhere } = await newToken({}, erin);
    expect(await authenticateToken(env.db, everywhere)).toMatchObject({ ok: true, value: { token: { project: null, scope: "full" } } });
    await env.db.user.update({ where: { id: erin.id }, data: { disabledAt: new Date() } });
    for (const disabled of [secret, everywhere]) {
      const refused = await authenticateToken(env.db, disabled);
      expect(refused.ok ? "ok" : refused.error.message).toMatch(/disabled/);
    }
  });

  it("records the last use at most once a minute", async () => {
    const t0 = new Date("2031-05-01T12:00:00Z");
    const { secret, token } = await newToken({ expiresInDays: null });
    const lastUsed = async () => (await env.db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt?.toISOString();
    await authenticateToken(env.db, secret, t0);
    expect(await lastUsed()).toBe(t0.toISOString());
    await authenticateToken(env.db, secret, new Date(t0.getTime() + LAST_USE_RESOLUTION_MS - 1));
    expect(await lastUsed()).toBe(t0.toISOString());
    const t1 = new Date(t0.getTime() + LAST_USE_RESOLUTION_MS);
    await authenticateToken(env.db, secret, t1);
    expect(await lastUsed()).toBe(t1.toISOString());
  });
});

describe("listing and revoking", () => {
  it("lists only the actor's own tokens, active first, without secrets", async () => {
    const { token } = await newToken({ name: "mine" }, env.bob);
    const revoked = await newToken({ name: "old" }, env.bob);
    await revokeToken(env.db, env.bob, revoked.token.id);
    const list = await listTokens(env.db, env.bob);
    expect(list.ok && list.value.map((t) => [t.name, t.state])).toEqual([
      ["mine", "active"],
      ["old", "revoked"],
    ]);
    expect(JSON.stringify(list)).not.toContain("hash");
    const alices = await listTokens(env.db, env.alice);
    expect(alices.ok && alices.value.some((t) => t.id === token.id)).toBe(false);
  });

  it("another user cannot revoke a token: not found, and the token keeps working", async () => {
    const { token, secret } = await newToken({ name: "bob's" }, env.bob);
    for (const actor of [env.alice, env.admin]) {
      const result = await revokeToken(env.db, actor, token.id);
      expect(result.ok ? "ok" : result.error.code).toBe("not_found");
    }
    expect((await revokeToken(env.db, null, token.id)).ok).toBe(false);
    expect((await authenticateToken(env.db, secret)).ok).toBe(true);
    const own = await revokeToken(env.db, env.bob, token.id);
    expect(own.ok && own.value.state).toBe("revoked");
    expect((await authenticateToken(env.db, secret)).ok).toBe(false);
  });
});
