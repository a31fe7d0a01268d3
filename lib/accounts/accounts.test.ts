import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { endSession, findSession, startSession } from "../auth/sessions";
import { checkPassword, DISABLED_ACCOUNT, WRONG_PASSWORD } from "../auth/sign-in";
import { authenticateToken, createToken } from "../auth/tokens";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { changeOwnPassword } from "./change-password";
import { createAccount } from "./create";
import { deleteAccount } from "./delete";
import { getAccount, listAccounts } from "./list";
import { inspectPasswordLink, passwordLinkTtlMs, setPasswordFromLink } from "./password-links";
import { userQuota } from "./quota";
import { resetPassword } from "./reset";
import { signInMethod } from "./sign-in-method";
import { updateAccount } from "./update";
import { ensurePersonalProject } from "../projects/personal";

let env: CatalogTestEnv;
const savedUrl = process.env.NEXTAUTH_URL;

beforeAll(async () => {
  env = await makeCatalogTestEnv();
  process.env.NEXTAUTH_URL = "https://hangar.example/";
});
afterAll(async () => {
  if (savedUrl === undefined) delete process.env.NEXTAUTH_URL;
  else process.env.NEXTAUTH_URL = savedUrl;
  await env.close();
});

const tokenOf = (url: string) => url.slice(url.indexOf("#") + 1);
let addresses = 0;
/** A client address of its own per sign-in, so that the per-address throttle never decides a test. */
const signIn = (email: string, password: string) => checkPassword(env.db, { email, password, clientAddress: `192.0.2.${++addresses}` });
const code = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? "ok" : result.error?.code);

/** An account invited by the admin that has set its password from the link: what a person does. */
async function person(email: string, password = "correct horse battery"): Promise<Actor> {
  const created = await createAccount(env.db, env.admin, { email, name: email.split("@")[0] });
  if (!created.ok) throw new Error(created.error.message);
  const set = await setPasswordFromLink(env.db, tokenOf(created.value.invitation.url), password);
  if (!set.ok) throw new Error(set.error.message);
  const signedIn = await signIn(email, password);
  if (!signedIn.ok) throw new Error(signedIn.error.message);
  return signedIn.value;
}

describe("invitations", () => {
  it("makes an account without a password and a one-time link, of which only a hash is stored", async () => {
    const created = await createAccount(env.db, env.admin, { email: " Carol@Example.com ", name: "Carol", role: "user", quotaBytes: "2GiB" });
    if (!created.ok) throw new Error(created.error.message);
    const { user, invitation } = created.value;
    expect(user).toMatchObject({ email: "carol@example.com", status: "invited", quotaBytes: 2 * 1024 ** 3, projectCreator: false });
    expect(invitation.url).toMatch(/^https:\/\/hangar\.example\/set-password#[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(invitation.url);
    const stored = await env.db.passwordLink.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await env.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBeNull();
    // No password yet: nothing signs in, not even an empty one.
    expect((await signIn("carol@example.com", "")).ok).toBe(false);

    expect(await inspectPasswordLink(env.db, token)).toMatchObject({ ok: true, value: { kind: "invitation", email: "carol@example.com" } });
    expect(code(await setPasswordFromLink(env.db, token, "short"))).toBe("invalid");
    expect(code(await setPasswordFromLink(env.db, token, "carol@example.com"))).toBe("invalid");
    expect(code(await setPasswordFromLink(env.db, token, "a good long password"))).toBe("ok");
    expect(code(await signIn("carol@example.com", "a good long password"))).toBe("ok");
    // Once only.
    expect(code(await setPasswordFromLink(env.db, token, "another long password"))).toBe("conflict");
    expect(code(await signIn("carol@example.com", "another long password"))).toBe("unauthenticated");
    expect(await getAccount(env.db, env.admin, "carol@example.com")).toMatchObject({ ok: true, value: { id: user.id, status: "active" } });
  });

  it("a link stops working when it expires, and a made-up or truncated one does not work", async () => {
    const madeAt = new Date("2026-01-01T00:00:00Z");
    const created = await createAccount(env.db, env.admin, { email: "late@example.com", name: "Late" }, madeAt);
    if (!created.ok) throw new Error(created.error.message);
    const token = tokenOf(created.value.invitation.url);
    const afterExpiry = new Date(madeAt.getTime() + passwordLinkTtlMs() + 1000);
    expect(code(await setPasswordFromLink(env.db, token, "a good long password", afterExpiry))).toBe("conflict");
    expect(code(await setPasswordFromLink(env.db, token.slice(0, -1), "a good long password"))).toBe("not_found");
    expect(code(await setPasswordFromLink(env.db, "x".repeat(10_000), "a good long password"))).toBe("not_found");
    expect(code(await setPasswordFromLink(env.db, undefined, "a good long password"))).toBe("not_found");
  });

  it("HANGAR_INVITATION_TTL sets how long links work, and a value that is not a duration stops the start", () => {
    expect(passwordLinkTtlMs({})).toBe(7 * 86_400_000);
    expect(passwordLinkTtlMs({ HANGAR_INVITATION_TTL: "2d" })).toBe(2 * 86_400_000);
    expect(() => passwordLinkTtlMs({ HANGAR_INVITATION_TTL: "soon" })).toThrow(/HANGAR_INVITATION_TTL/);
    expect(() => passwordLinkTtlMs({ HANGAR_INVITATION_TTL: "365d" })).toThrow(/1m to 90d/);
  });

  it("refuses an email that has an account, with the field named", async () => {
    const again = await createAccount(env.db, env.admin, { email: "CAROL@example.com", name: "Carol again" });
    expect(again.ok ? null : again.error).toMatchObject({ code: "conflict", fields: { email: expect.any(String) as string } });
    const bad = await createAccount(env.db, env.admin, { email: "not an email", name: "X", role: "owner" });
    expect(bad.ok ? null : bad.error.fields).toMatchObject({ email: expect.any(String) as string, role: expect.any(String) as string });
  });
});

describe("disabling", () => {
  it("ends the open session at its next request, refuses the API token and the password, and enabling restores the token", async () => {
    const dave = await person("dave@example.com");
    const sid = await startSession(env.db, dave.id);
    const token = await createToken(env.db, dave, { name: "ci", expiresInDays: 30 });
    if (!token.ok) throw new Error(token.error.message);
    expect(await findSession(env.db, sid)).not.toBeNull();

    expect(code(await updateAccount(env.db, env.admin, dave.id, { disabled: true }))).toBe("ok");
    expect(await findSession(env.db, sid)).toBeNull();
    expect(code(await authenticateToken(env.db, token.value.secret))).toBe("unauthenticated");
    const refused = await signIn("dave@example.com", "correct horse battery");
    expect(refused.ok ? null : refused.error.message).toBe(DISABLED_ACCOUNT);
    // Who does not know the password learns nothing about the account.
    const guessed = await signIn("dave@example.com", "a wrong password");
    expect(guessed.ok ? null : guessed.error.message).toBe(WRONG_PASSWORD);

    expect(await updateAccount(env.db, env.admin, dave.id, { disabled: false })).toMatchObject({ ok: true, value: { status: "active" } });
    expect(code(await authenticateToken(env.db, token.value.secret))).toBe("ok");
    // The session ended for good: enabling does not bring it back.
    expect(await findSession(env.db, sid)).toBeNull();
  });
});

describe("edits", () => {
  it("renames, changes the role and sets a quota in one request, all or nothing", async () => {
    const erin = await person("erin@example.com");
    const changed = await updateAccount(env.db, env.admin, erin.email, { name: "Erin Example", role: "admin", quotaBytes: "500MiB" });
    expect(changed).toMatchObject({ ok: true, value: { name: "Erin Example", role: "admin", quotaBytes: 500 * 1024 ** 2 } });
    expect(await userQuota(env.db, erin.id, 1024)).toBe(500 * 1024 ** 2);
    // One bad field: nothing changes.
    expect(code(await updateAccount(env.db, env.admin, erin.id, { name: "Erin Again", quotaBytes: "lots" }))).toBe("invalid");
    expect(await getAccount(env.db, env.admin, erin.id)).toMatchObject({ value: { name: "Erin Example", quotaBytes: 500 * 1024 ** 2 } });
    // null: back to the server's default.
    expect(code(await updateAccount(env.db, env.admin, erin.id, { role: "user", quotaBytes: null }))).toBe("ok");
    expect(await userQuota(env.db, erin.id, 1024)).toBe(1024);
  });

  it("an administrator cannot lock themselves out, nor leave the portal without an active administrator", async () => {
    expect(code(await updateAccount(env.db, env.admin, env.admin.id, { disabled: true }))).toBe("forbidden");
    expect(code(await updateAccount(env.db, env.admin, env.admin.id, { role: "user" }))).toBe("forbidden");
    expect(code(await resetPassword(env.db, env.admin, env.admin.id))).toBe("forbidden");
    expect(code(await deleteAccount(env.deps, env.admin, env.admin.id, { images: "delete" }))).toBe("forbidden");
    // A second administrator may not demote the only other one when that leaves none active.
    const frank = await person("frank@example.com");
    expect(code(await updateAccount(env.db, env.admin, frank.id, { role: "admin" }))).toBe("ok");
    const asFrank = { ...frank, role: "admin" as const };
    expect(code(await updateAccount(env.db, env.admin, frank.id, { disabled: true }))).toBe("ok");
    expect(code(await updateAccount(env.db, asFrank, env.admin.id, { disabled: true }))).toBe("conflict");
    expect(code(await updateAccount(env.db, env.admin, frank.id, { disabled: false, role: "user" }))).toBe("ok");
  });
});

describe("password reset", () => {
  it("the old password, the sessions and the API tokens stop working; the link sets a new password", async () => {
    const gina = await person("gina@example.com", "the old password");
    const sid = await startSession(env.db, gina.id);
    const token = await createToken(env.db, gina, { name: "laptop", expiresInDays: 30 });
    if (!token.ok) throw new Error(token.error.message);

    const reset = await resetPassword(env.db, env.admin, gina.email);
    if (!reset.ok) throw new Error(reset.error.message);
    expect(reset.value.user.status).toBe("invited");
    expect(await findSession(env.db, sid)).toBeNull();
    expect(code(await authenticateToken(env.db, token.value.secret))).toBe("unauthenticated");
    expect(code(await signIn(gina.email, "the old password"))).toBe("unauthenticated");

    expect(await inspectPasswordLink(env.db, tokenOf(reset.value.link.url))).toMatchObject({ ok: true, value: { kind: "reset" } });
    expect(code(await setPasswordFromLink(env.db, tokenOf(reset.value.link.url), "the new password"))).toBe("ok");
    expect(code(await signIn(gina.email, "the new password"))).toBe("ok");
    // Revoked tokens stay revoked.
    expect(code(await authenticateToken(env.db, token.value.secret))).toBe("unauthenticated");
  });
});

describe("changing one's own password", () => {
  it("needs the current password, and ends every other session but this one", async () => {
    const hal = await person("hal@example.com", "the first password");
    const here = await startSession(env.db, hal.id);
    const elsewhere = await startSession(env.db, hal.id);
    const session = await findSession(env.db, here);
    const wrong = await changeOwnPassword(env.db, session, { current: "not it at all", password: "the second password" }, "192.0.2.200");
    expect(wrong.ok ? null : wrong.error.fields).toMatchObject({ current: "That is not your current password." });
    expect(code(await changeOwnPassword(env.db, session, { current: "the first password", password: "short" }, "192.0.2.201"))).toBe("invalid");
    expect(await changeOwnPassword(env.db, session, { current: "the first password", password: "the second password" }, "192.0.2.202")).toEqual({
      ok: true,
      value: { sessionsEnded: 1 },
    });
    expect(await findSession(env.db, here)).not.toBeNull();
    expect(await findSession(env.db, elsewhere)).toBeNull();
    expect(code(await signIn(hal.email, "the first password"))).toBe("unauthenticated");
    expect(code(await signIn(hal.email, "the second password"))).toBe("ok");
    expect(code(await changeOwnPassword(env.db, null, { current: "x", password: "the third password" }, null))).toBe("unauthenticated");
    await endSession(env.db, here);
  });

  it("Settings offers it only to an account with a Hangar password, not to one from single sign-on", async () => {
    const hal = await person("hal-method@example.com", "a password of hal's");
    expect(await signInMethod(env.db, hal)).toEqual({ source: "local", hasPassword: true });
    const sso = await env.db.user.create({ data: { email: "sso-method@example.com", name: "Sso", role: "user", authSource: "oidc", externalId: "sub-1" } });
    expect(await signInMethod(env.db, { ...hal, id: sso.id, email: sso.email })).toEqual({ source: "oidc", hasPassword: false });
  });
});

describe("deleting a user", () => {
  /** What still names the user anywhere: nothing, once deleted. */
  const leftovers = async (userId: string) => ({
    sessions: await env.db.session.count({ where: { userId } }),
    tokens: await env.db.apiToken.count({ where: { userId } }),
    uploads: await env.db.upload.count({ where: { userId } }),
    links: await env.db.passwordLink.count({ where: { userId } }),
    images: await env.db.image.count({ where: { createdById: userId } }),
  });

  async function withEverything(email: string) {
    const user = await person(email);
    await startSession(env.db, user.id);
    await createToken(env.db, user, { name: "ci", expiresInDays: 30 });
    const kept = await env.addImage({ owner: user, name: "Kept", visibility: "private" });
    const clash = await env.addImage({ owner: user, name: "Shared name", visibility: "private" });
    const platform = await env.addImage({ owner: user, name: `Platform of ${email}`, visibility: "platform" });
    const uploading = await env.addImage({ owner: user, name: "Half sent", visibility: "private", status: "uploading" });
    await env.db.upload.create({ data: { id: `upload-${user.id}`, userId: user.id, imageId: uploading, fileName: "half.qcow2", length: 1n << 30n } });
    return { user, kept, clash, platform, uploading };
  }

  it("gives the private images to another user (renaming a clash), ends uploads, keeps platform images, and leaves nothing behind", async () => {
    const { user, kept, clash, platform, uploading } = await withEverything("ivy@example.com");
    await env.addImage({ owner: env.bob, name: "Shared name", visibility: "private" });
    const deleted = await deleteAccount(env.deps, env.admin, user.id, { images: "transfer", transferTo: env.bob.email });
    expect(deleted).toMatchObject({ ok: true, value: { transferred: 2, deleted: 1, platformReassigned: 1 } });
    // Since projects, the images go into the receiving user's personal project; who created them is forgotten with the account.
    const bobs = (await ensurePersonalProject(env.db, env.bob)).id;
    expect(await env.db.image.findUnique({ where: { id: kept } })).toMatchObject({ projectId: bobs, name: "Kept", createdById: null });
    expect(await env.db.image.findUnique({ where: { id: clash } })).toMatchObject({ projectId: bobs, name: "Shared name (from ivy)" });
    expect(await env.db.image.findUnique({ where: { id: platform } })).toMatchObject({ projectId: null, createdById: env.admin.id });
    expect(await env.db.project.count({ where: { personalUserId: user.id } })).toBe(0);
    expect(await env.db.image.findUnique({ where: { id: uploading } })).toBeNull();
    expect(await leftovers(user.id)).toEqual({ sessions: 0, tokens: 0, uploads: 0, links: 0, images: 0 });
    expect(await env.db.user.findUnique({ where: { id: user.id } })).toBeNull();
  });

  it("or deletes them with their bytes", async () => {
    const { user, kept } = await withEverything("jay@example.com");
    const key = (await env.db.image.findUniqueOrThrow({ where: { id: kept } })).storageKey ?? "";
    expect(await env.deps.store.size(key)).toBe(4096);
    expect(await deleteAccount(env.deps, env.admin, user.email, { images: "delete" })).toMatchObject({
      ok: true,
      value: { transferred: 0, deleted: 3, platformReassigned: 1 },
    });
    expect(await env.deps.store.size(key)).toBeNull();
    expect(await leftovers(user.id)).toEqual({ sessions: 0, tokens: 0, uploads: 0, links: 0, images: 0 });
  });

  it("refuses a transfer to nobody, to the deleted user or to a disabled one, and changes nothing", async () => {
    const kim = await person("kim@example.com");
    const image = await env.addImage({ owner: kim, name: "Kim's", visibility: "private" });
    expect(code(await deleteAccount(env.deps, env.admin, kim.id, { images: "transfer" }))).toBe("invalid");
    expect(code(await deleteAccount(env.deps, env.admin, kim.id, { images: "transfer", transferTo: "nobody@example.com" }))).toBe("invalid");
    expect(code(await deleteAccount(env.deps, env.admin, kim.id, { images: "transfer", transferTo: kim.email }))).toBe("invalid");
    expect(code(await deleteAccount(env.deps, env.admin, kim.id, { images: "keep" }))).toBe("invalid");
    const lee = await person("lee@example.com");
    await updateAccount(env.db, env.admin, lee.id, { disabled: true });
    expect(code(await deleteAccount(env.deps, env.admin, kim.id, { images: "transfer", transferTo: lee.email }))).toBe("invalid");
    expect(await env.db.image.findUnique({ where: { id: image } })).toMatchObject({ projectId: (await ensurePersonalProject(env.db, kim)).id });
    // A personal project is not a team project to give images to by name.
    expect(code(await deleteAccount(env.deps, env.admin, kim.id, { images: "transfer", transferTo: lee.email.replace("@", "-") }))).toBe("invalid");
  });

  it("or gives them to a team project, named by id or name", async () => {
    const { user, kept } = await withEverything("noa@example.com");
    const team = await env.db.project.create({ data: { name: "Platform team", nameKey: "platform team", kind: "team" } });
    expect(await deleteAccount(env.deps, env.admin, user.id, { images: "transfer", transferTo: "PLATFORM TEAM" })).toMatchObject({
      ok: true,
      value: { transferred: 2, deleted: 1 },
    });
    expect(await env.db.image.findUnique({ where: { id: kept } })).toMatchObject({ projectId: team.id, nameScope: team.id, name: "Kept" });
    expect(await leftovers(user.id)).toEqual({ sessions: 0, tokens: 0, uploads: 0, links: 0, images: 0 });
  });
});

describe("who may manage accounts", () => {
  it("a user and an anonymous caller can do none of it, and nothing changes", async () => {
    const target = await person("mia@example.com");
    const before = await env.db.user.findUniqueOrThrow({ where: { id: target.id } });
    for (const caller of [env.alice, null]) {
      const expected = caller ? "forbidden" : "unauthenticated";
      expect(code(await listAccounts(env.db, caller))).toBe(expected);
      expect(code(await getAccount(env.db, caller, target.id))).toBe(expected);
      expect(code(await createAccount(env.db, caller, { email: "eve@example.com", name: "Eve" }))).toBe(expected);
      expect(code(await updateAccount(env.db, caller, target.id, { role: "admin" }))).toBe(expected);
      expect(code(await updateAccount(env.db, caller, target.id, { disabled: true }))).toBe(expected);
      expect(code(await updateAccount(env.db, caller, target.id, { quotaBytes: "1PiB" }))).toBe(expected);
      expect(code(await resetPassword(env.db, caller, target.id))).toBe(expected);
      expect(code(await deleteAccount(env.deps, caller, target.id, { images: "delete" }))).toBe(expected);
    }
    // Not even on their own account: a user cannot make themselves an administrator.
    expect(code(await updateAccount(env.db, env.alice, env.alice.id, { role: "admin" }))).toBe("forbidden");
    expect(await env.db.user.findUniqueOrThrow({ where: { id: target.id } })).toEqual(before);
    expect(await env.db.user.count({ where: { email: "eve@example.com" } })).toBe(0);
    expect(await env.db.passwordLink.count({ where: { userId: target.id, usedAt: null } })).toBe(0);
  });
});
