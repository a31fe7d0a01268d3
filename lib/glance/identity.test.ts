import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateToken, createToken, listTokens, MAX_ACTIVE_TOKENS, shownPrefix } from "../auth/tokens";
import { ensurePersonalProject } from "../projects/personal";
import { type CatalogTestEnv, makeCatalogTestEnv } from "../testing/catalog-env";
import { IDENTITY_TOKEN_TTL_MS, issueIdentityToken, revokeIdentityToken, scopeTarget, validateIdentityToken, WRONG_CREDENTIALS } from "./identity";

const ROOT = "http://glance.test:9292";
const CONTEXT = { clientAddress: "192.0.2.7", root: ROOT, catalog: true };
const NOW = new Date(Date.UTC(2026, 11, 7, 12, 0, 0));

describe("scopeTarget", () => {
  it("takes a project by id or name, the credential's project or the personal one when none is named", () => {
    expect(scopeTarget(undefined, null)).toEqual({ ok: true, value: { personal: true } });
    expect(scopeTarget("unscoped", null)).toEqual({ ok: true, value: { personal: true } });
    expect(scopeTarget(undefined, "p1")).toEqual({ ok: true, value: { id: "p1" } });
    expect(scopeTarget({ project: { id: "p2" } }, "p1")).toEqual({ ok: true, value: { id: "p2" } });
    expect(scopeTarget({ project: { name: "team-a", domain: { name: "Default" } } }, null)).toEqual({ ok: true, value: { name: "team-a" } });
    expect(scopeTarget({ project: { name: "team-a", domain: { id: "default" } } }, null)).toEqual({ ok: true, value: { name: "team-a" } });
  });

  it("refuses domain, system and trust scopes, other domains and a project named by nothing", () => {
    for (const scope of [{ domain: { id: "default" } }, { system: { all: true } }, { "OS-TRUST:trust": { id: "t" } }])
      expect(scopeTarget(scope, null)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
    expect(scopeTarget({ project: { name: "team-a", domain: { name: "other" } } }, null)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
    expect(scopeTarget({ project: {} }, null)).toMatchObject({ ok: false, error: { code: "invalid" } });
  });
});

describe("issuing, validating and revoking Identity v3 tokens", () => {
  let env: CatalogTestEnv;
  const projects = { a: "", other: "" };

  beforeAll(async () => {
    env = await makeCatalogTestEnv();
    projects.a = (
      await env.db.project.create({
        data: { name: "team-a", nameKey: "team-a", kind: "team", members: { create: [{ userId: env.alice.id, role: "viewer" }] } },
      })
    ).id;
    projects.other = (await env.db.project.create({ data: { name: "team-other", nameKey: "team-other", kind: "team" } })).id;
  });
  afterAll(() => env.close());

  const password = (user: Record<string, unknown>, scope?: unknown) => ({
    auth: { identity: { methods: ["password"], password: { user: { domain: { name: "Default" }, ...user } } }, ...(scope ? { scope } : {}) },
  });
  const issue = async (body: unknown, now = NOW) => {
    const issued = await issueIdentityToken(env.db, body, CONTEXT, now);
    if (!issued.ok) throw new Error(issued.error.message);
    return issued.value;
  };

  it("a password without a scope gets an hour in the personal project, as a Hangar token limited to it", async () => {
    const issued = await issue(password({ name: "Alice@Test", password: "alice-pass" }));
    const personal = await ensurePersonalProject(env.db, env.alice);
    expect(issued.secret).toMatch(/^hgk_/);
    expect(issued.document.token).toMatchObject({ methods: ["password"], user: { id: env.alice.id, name: "alice@test" }, project: { id: personal.id } });
    expect(issued.document.token.expires_at).toBe(new Date(NOW.getTime() + IDENTITY_TOKEN_TTL_MS).toISOString().replace("Z", "000Z"));
    const used = await authenticateToken(env.db, issued.secret, NOW);
    expect(used.ok && used.value.actor.limits).toEqual({ projectId: personal.id, scope: "full" });
    const event = await env.db.auditEvent.findFirst({ where: { action: "token.create", objectId: issued.document.token.audit_ids[0] } });
    expect(event).toMatchObject({ actorId: env.alice.id, via: "token", clientAddress: "192.0.2.7" });
    // Not on the Settings page, among the tokens a user made.
    const listed = await listTokens(env.db, env.alice, NOW);
    expect(listed.ok && listed.value.map((token) => token.prefix)).not.toContain(shownPrefix(issued.secret));
  });

  it("scopes to a project of the user's by name or id, with the role's Keystone roles", async () => {
    const byName = await issue(password({ id: env.alice.id, password: "alice-pass" }, { project: { name: "team-a", domain: { name: "Default" } } }));
    expect(byName.document.token.project.id).toBe(projects.a);
    expect(byName.document.token.roles.map((role) => role.name)).toEqual(["reader"]);
    const byId = await issue(password({ name: "alice@test", password: "alice-pass" }, { project: { id: projects.a } }));
    expect(byId.document.token.project.name).toBe("team-a");
  });

  it("refuses, with 401, a project the user is not a member of and one that does not exist, alike", async () => {
    const answers = await Promise.all(
      [{ id: projects.other }, { name: "team-other" }, { name: "no-such-team" }].map((project) =>
        issueIdentityToken(env.db, password({ name: "bob@test", password: "bob-pass" }, { project }), CONTEXT, NOW),
      ),
    );
    for (const answer of answers)
      expect(answer).toMatchObject({ ok: false, error: { code: "unauthenticated", message: "No such project, or you are not one of its members." } });
  });

  it("says the same for a wrong password, an unknown user and a disabled account, and tells the domain apart", async () => {
    const refusals = [
      password({ name: "admin@test", password: "wrong" }),
      password({ name: "nobody@test", password: "admin-pass" }),
      password({ id: "no-such-id", password: "admin-pass" }),
    ];
    const disabled = await env.db.user.create({
      data: {
        email: "gone@test",
        name: "Gone",
        role: "user",
        passwordHash: (await env.db.user.findUniqueOrThrow({ where: { id: env.bob.id } })).passwordHash,
        disabledAt: NOW,
      },
    });
    refusals.push(password({ name: disabled.email, password: "bob-pass" }));
    for (const body of refusals)
      expect(await issueIdentityToken(env.db, body, CONTEXT, NOW)).toMatchObject({ ok: false, error: { code: "unauthenticated", message: WRONG_CREDENTIALS } });
    const elsewhere = await issueIdentityToken(env.db, password({ name: "bob@test", password: "bob-pass", domain: { name: "corp" } }), CONTEXT, NOW);
    expect(elsewhere.ok || elsewhere.error.message).toContain('one domain, "Default"');
  });

  it("refuses a body that is not Keystone's, and methods it does not have", async () => {
    expect(await issueIdentityToken(env.db, { auth: {} }, CONTEXT, NOW)).toMatchObject({ ok: false, error: { code: "invalid" } });
    const totp = { auth: { identity: { methods: ["totp"] } } };
    expect(await issueIdentityToken(env.db, totp, CONTEXT, NOW)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });

  it("an application credential is an API token: its prefix or id and its secret, or its name and user; the token keeps its limits and expiry", async () => {
    const created = await createToken(env.db, env.alice, { name: "ci", expiresInDays: null, projectId: projects.a, scope: "read" }, NOW);
    if (!created.ok) throw new Error(created.error.message);
    const { secret, token } = created.value;
    const credential = (fields: Record<string, unknown>) => ({
      auth: { identity: { methods: ["application_credential"], application_credential: { secret, ...fields } } },
    });
    for (const fields of [{ id: token.prefix }, { id: token.id }, { name: "ci", user: { name: "alice@test", domain: { id: "default" } } }]) {
      const issued = await issue(credential(fields));
      expect(issued.document.token).toMatchObject({
        methods: ["application_credential"],
        project: { id: projects.a },
        application_credential: { id: token.id, name: "ci" },
      });
      const used = await authenticateToken(env.db, issued.secret, NOW);
      expect(used.ok && used.value.actor.limits).toEqual({ projectId: projects.a, scope: "read" });
    }
    for (const fields of [{ id: "hgr_wrong000" }, { name: "ci", user: { name: "bob@test" } }, { name: "other", user: { id: env.alice.id } }]) {
      expect(await issueIdentityToken(env.db, credential(fields), CONTEXT, NOW)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
    }
    // An issued token is no application credential.
    const issued = await issue(credential({ id: token.prefix }));
    const body = {
      auth: { identity: { methods: ["application_credential"], application_credential: { id: shownPrefix(issued.secret), secret: issued.secret } } },
    };
    expect(await issueIdentityToken(env.db, body, CONTEXT, NOW)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });

  it("the token method re-scopes within what the token reaches and never outlives it", async () => {
    const first = await issue(password({ name: "alice@test", password: "alice-pass" }, { project: { name: "team-a" } }));
    const later = new Date(NOW.getTime() + 10 * 60_000);
    const again = await issue({ auth: { identity: { methods: ["token"], token: { id: first.secret } } } }, later);
    expect(again.document.token).toMatchObject({ methods: ["token"], project: { id: projects.a }, expires_at: first.document.token.expires_at });
    const elsewhere = {
      auth: { identity: { methods: ["token"], token: { id: first.secret } }, scope: { project: { id: (await ensurePersonalProject(env.db, env.alice)).id } } },
    };
    expect(await issueIdentityToken(env.db, elsewhere, CONTEXT, later)).toMatchObject({ ok: false, error: { code: "unauthenticated" } });
  });

  it("validates and revokes the caller's own issued tokens only", async () => {
    const mine = await issue(password({ name: "alice@test", password: "alice-pass" }));
    const bobs = await issue(password({ name: "bob@test", password: "bob-pass" }));
    const validated = await validateIdentityToken(env.db, env.alice, mine.secret, { root: ROOT, catalog: false }, NOW);
    expect(validated.ok && validated.value.token).toMatchObject({
      methods: ["password"],
      audit_ids: mine.document.token.audit_ids,
      expires_at: mine.document.token.expires_at,
    });
    expect(validated.ok && validated.value.token).not.toHaveProperty("catalog");
    expect(await validateIdentityToken(env.db, env.alice, bobs.secret, { root: ROOT, catalog: true }, NOW)).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect((await validateIdentityToken(env.db, env.admin, bobs.secret, { root: ROOT, catalog: true }, NOW)).ok).toBe(true);
    const api = await createToken(env.db, env.alice, { name: "kept", expiresInDays: null }, NOW);
    if (!api.ok) throw new Error(api.error.message);
    for (const subject of [bobs.secret, api.value.secret, undefined])
      expect(await revokeIdentityToken(env.db, env.alice, subject, NOW)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect((await authenticateToken(env.db, api.value.secret, NOW)).ok).toBe(true);
    expect(await revokeIdentityToken(env.db, env.alice, mine.secret, NOW)).toEqual({ ok: true, value: null });
    expect((await authenticateToken(env.db, mine.secret, NOW)).ok).toBe(false);
  });

  it("issued tokens count toward no limit: a user with the most API tokens allowed still signs in, and one short of it still makes one", async () => {
    const make = (name: string) => createToken(env.db, env.admin, { name, expiresInDays: null }, NOW);
    for (let index = 1; index < MAX_ACTIVE_TOKENS; index++) expect((await make(`t${index}`)).ok).toBe(true);
    for (let index = 0; index < 3; index++) await issue(password({ name: "admin@test", password: "admin-pass" }));
    expect((await make("last")).ok).toBe(true);
    expect(await make("one too many")).toMatchObject({ ok: false, error: { code: "conflict" } });
    await issue(password({ name: "admin@test", password: "admin-pass" }));
  });

  it("deletes a user's issued tokens a day after they expired, when the user signs in again", async () => {
    const old = await issue(password({ name: "bob@test", password: "bob-pass" }));
    const id = old.document.token.audit_ids[0] ?? "";
    await issue(password({ name: "bob@test", password: "bob-pass" }), new Date(NOW.getTime() + IDENTITY_TOKEN_TTL_MS + 23 * 3_600_000));
    expect(await env.db.apiToken.findUnique({ where: { id } })).not.toBeNull();
    await issue(password({ name: "bob@test", password: "bob-pass" }), new Date(NOW.getTime() + IDENTITY_TOKEN_TTL_MS + 25 * 3_600_000));
    expect(await env.db.apiToken.findUnique({ where: { id } })).toBeNull();
  });
});
