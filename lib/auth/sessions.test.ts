import { decode, encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { sessionCookie } from "../testing/session-cookie";
import { actorFromRequest, sessionFromHeaders } from "./request";
import { endSession, endUserSessions, findSession, LAST_SEEN_RESOLUTION_MS, RECENT_SIGN_IN_MS, SESSION_MAX_AGE_S, startSession } from "./sessions";
import { confirmRecentSignIn } from "./sign-in";
import { authenticateToken, createToken } from "./tokens";

let env: CatalogTestEnv;
const SECRET = "sessions-test-secret";
const saved = { DATABASE_URL: process.env.DATABASE_URL, NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET };

beforeAll(async () => {
  env = await makeCatalogTestEnv();
  // Sessions are read with the process-wide client and secret, as the server reads them.
  process.env.DATABASE_URL = env.databaseUrl;
  process.env.NEXTAUTH_SECRET = SECRET;
});
afterAll(async () => {
  Object.assign(process.env, saved);
  await env.close();
});

const request = (cookie: string) => new Request("http://hangar.test/api/v1/me", { headers: { cookie } });
/** The session id inside a session cookie, as the server decrypts it. */
async function sidOf(cookie: string): Promise<string> {
  const token = await decode({ token: cookie.split("=")[1] ?? "", secret: SECRET });
  return String(token?.sid);
}

describe("revocable sessions", () => {
  it("a cookie copied before signing out stops working at once", async () => {
    const cookie = await sessionCookie(env.db, env.alice, SECRET);
    const copy = cookie;
    expect((await actorFromRequest(request(cookie)))?.id).toBe(env.alice.id);
    await endSession(env.db, await sidOf(cookie));
    expect(await actorFromRequest(request(copy))).toBeNull();
  });

  it("ending a user's sessions ends all of them and no one else's; their API tokens keep working", async () => {
    const phone = await sessionCookie(env.db, env.bob, SECRET);
    const laptop = await sessionCookie(env.db, env.bob, SECRET);
    const alice = await sessionCookie(env.db, env.alice, SECRET);
    const token = await createToken(env.db, env.bob, { name: "ci", expiresInDays: null });
    if (!token.ok) throw new Error(token.error.message);
    expect(await endUserSessions(env.db, env.bob.id)).toBe(2);
    expect(await actorFromRequest(request(phone))).toBeNull();
    expect(await actorFromRequest(request(laptop))).toBeNull();
    expect((await actorFromRequest(request(alice)))?.id).toBe(env.alice.id);
    expect((await authenticateToken(env.db, token.value.secret)).ok).toBe(true);
  });

  it("a signed cookie that names no session (forged with the secret, or from before sessions) is signed out", async () => {
    const noSid = `next-auth.session-token=${await encode({ token: { sub: env.alice.id }, secret: SECRET })}`;
    const unknownSid = `next-auth.session-token=${await encode({ token: { sub: env.alice.id, sid: "made-up" }, secret: SECRET })}`;
    expect(await actorFromRequest(request(noSid))).toBeNull();
    expect(await actorFromRequest(request(unknownSid))).toBeNull();
  });

  it("a session ends when it expires", async () => {
    const start = new Date("2030-01-01T00:00:00Z");
    const sid = await startSession(env.db, env.alice.id, start);
    expect(await findSession(env.db, sid, new Date(start.getTime() + (SESSION_MAX_AGE_S - 1) * 1000))).not.toBeNull();
    expect(await findSession(env.db, sid, new Date(start.getTime() + SESSION_MAX_AGE_S * 1000))).toBeNull();
  });

  it("a request's actor comes from its live session alone: not past its expiry, not while its user is disabled", async () => {
    const start = new Date("2030-01-01T00:00:00Z");
    const sid = await startSession(env.db, env.alice.id, start);
    expect((await findSession(env.db, sid, new Date(start.getTime() + (SESSION_MAX_AGE_S - 1) * 1000)))?.actor.id).toBe(env.alice.id);
    expect(await findSession(env.db, sid, new Date(start.getTime() + SESSION_MAX_AGE_S * 1000))).toBeNull();
    expect(await findSession(env.db, "not-a-session", start)).toBeNull();
    const user = await env.db.user.create({ data: { email: "soon-disabled@test", name: "Soon Disabled" } });
    const theirs = await startSession(env.db, user.id, start);
    expect((await findSession(env.db, theirs, start))?.actor).toMatchObject({ id: user.id, role: "user" });
    await env.db.user.update({ where: { id: user.id }, data: { disabledAt: start } });
    expect(await findSession(env.db, theirs, start)).toBeNull();
  });

  it("a session's last request is written at most once a minute", async () => {
    const start = new Date("2030-01-02T00:00:00Z");
    const sid = await startSession(env.db, env.alice.id, start);
    const lastSeen = async () => (await env.db.session.findFirstOrThrow({ where: { userId: env.alice.id, createdAt: start } })).lastSeenAt.getTime();
    await findSession(env.db, sid, new Date(start.getTime() + LAST_SEEN_RESOLUTION_MS - 1));
    expect(await lastSeen()).toBe(start.getTime());
    await findSession(env.db, sid, new Date(start.getTime() + LAST_SEEN_RESOLUTION_MS));
    expect(await lastSeen()).toBe(start.getTime() + LAST_SEEN_RESOLUTION_MS);
    await findSession(env.db, sid, new Date(start.getTime() + 2 * LAST_SEEN_RESOLUTION_MS - 1));
    expect(await lastSeen()).toBe(start.getTime() + LAST_SEEN_RESOLUTION_MS);
    await findSession(env.db, sid, new Date(start.getTime() + 2 * LAST_SEEN_RESOLUTION_MS));
    expect(await lastSeen()).toBe(start.getTime() + 2 * LAST_SEEN_RESOLUTION_MS);
  });

  it("a garbage cookie is a visitor who is signed out, silently", async () => {
    const logged = vi.spyOn(console, "error");
    const warned = vi.spyOn(console, "warn");
    for (const cookie of [
      "next-auth.session-token=garbage",
      "next-auth.session-token=%E0%A4%A",
      "next-auth.session-token=",
      "next-auth.session-token=a.b.c.d.e",
    ]) {
      expect(await sessionFromHeaders({ cookie })).toBeNull();
    }
    expect([...logged.mock.calls, ...warned.mock.calls]).toEqual([]);
    logged.mockRestore();
    warned.mockRestore();
  });
});

describe("creating a token needs a recent sign-in", () => {
  it("asks for the password after 15 minutes, checks it, and is satisfied again for 15 minutes", async () => {
    const start = new Date("2030-02-01T00:00:00Z");
    const sid = await startSession(env.db, env.alice.id, start);
    const session = async () => (await findSession(env.db, sid, start)) ?? expect.fail("session ended");
    expect((await confirmRecentSignIn(env.db, await session(), undefined, null, new Date(start.getTime() + RECENT_SIGN_IN_MS - 1000))).ok).toBe(true);

    const later = new Date(start.getTime() + RECENT_SIGN_IN_MS + 1000);
    const asked = await confirmRecentSignIn(env.db, await session(), undefined, null, later);
    expect(asked.ok ? "ok" : asked.error.fields?.password).toMatch(/enter your password again/);
    const wrong = await confirmRecentSignIn(env.db, await session(), "not-alice-pass", null, later);
    expect(wrong.ok ? "ok" : wrong.error.fields?.password).toBe("That is not your password.");
    expect((await confirmRecentSignIn(env.db, await session(), "alice-pass", null, later)).ok).toBe(true);
    // Confirmed now: no password for the next 15 minutes.
    expect((await confirmRecentSignIn(env.db, await session(), undefined, null, new Date(later.getTime() + RECENT_SIGN_IN_MS - 1000))).ok).toBe(true);
  });

  it("an account from a single sign-on, which has no Hangar password, is asked to sign in again", async () => {
    const start = new Date("2030-02-01T00:00:00Z");
    const user = await env.db.user.create({ data: { email: "sso-person@test", name: "SSO", authSource: "oidc", externalId: "https://id.test#1" } });
    const sid = await startSession(env.db, user.id, start);
    const session = (await findSession(env.db, sid, start)) ?? expect.fail("session ended");
    expect((await confirmRecentSignIn(env.db, session, undefined, null, new Date(start.getTime() + 1000))).ok).toBe(true);
    const later = await confirmRecentSignIn(env.db, session, "any guess", null, new Date(start.getTime() + RECENT_SIGN_IN_MS + 1000));
    expect(later.ok ? "ok" : later.error.fields?.password).toBe("You signed in more than 15 minutes ago: sign out and sign in again to continue.");
  });
});
