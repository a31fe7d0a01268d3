import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInOverHttp, signOutOverHttp } from "../lib/testing/browser-session";
import { startHangarServer, type HangarServer } from "../lib/testing/hangar-server";
import { RECENT_SIGN_IN_MS } from "../lib/auth/sessions";

// Sessions against the production server, as a browser, as someone replaying a copied cookie, and as a password guesser.
let server: HangarServer;
beforeAll(async () => {
  server = await startHangarServer();
});
afterAll(async () => {
  await server.close();
});

const signIn = async () => {
  const { cookie, error } = await signInOverHttp(server.url, "demo@hangar.local", "hangar-demo");
  if (!cookie) throw new Error(`sign-in failed: ${error}`);
  return cookie;
};
const me = async (cookie: string) => (await fetch(`${server.url}/api/v1/me`, { headers: { cookie } })).status;
const page = async (cookie: string, path = "/settings") => {
  const answer = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: "manual" });
  return answer.status === 200 ? "page" : `${answer.status} ${answer.headers.get("location")}`;
};

function actionId(name: string): string {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { exportedName?: string }> };
  const id = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name)?.[0];
  if (!id) throw new Error(`no server action ${name} in the build`);
  return id;
}

/** Calls a server action of the Settings page as the portal does; returns its RSC answer as text. */
async function settingsAction(cookie: string, name: string, args: unknown[]): Promise<string> {
  const answer = await fetch(`${server.url}/settings`, {
    method: "POST",
    headers: { cookie, "next-action": actionId(name), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    body: JSON.stringify(args),
  });
  return answer.text();
}

const demoTokens = () => server.db.apiToken.count({ where: { userId: server.demo.id } });

describe("signing out", () => {
  it("ends the session at once: a copy of the cookie made before no longer works anywhere", async () => {
    const cookie = await signIn();
    const copy = cookie;
    expect([await me(cookie), await page(cookie)]).toEqual([200, "page"]);
    await signOutOverHttp(server.url, cookie);
    expect(await me(copy)).toBe(401);
    expect(await page(copy)).toMatch(/^307 .*\/signin$/);
    const before = await demoTokens();
    await settingsAction(copy, "createTokenAction", [{ name: "never-expiring", expiresInDays: "never" }]);
    expect(await demoTokens()).toBe(before);
  });

  it("sign out everywhere (Settings) ends every session of the user, the one that asked included", async () => {
    const [laptop, phone] = [await signIn(), await signIn()];
    const admin = (await signInOverHttp(server.url, "admin@hangar.local", "hangar-admin")).cookie ?? "";
    expect(await settingsAction(laptop, "signOutEverywhereAction", [])).toContain('"ok":true');
    expect([await me(laptop), await me(phone), await me(admin)]).toEqual([401, 401, 200]);
  });
});

describe("creating an API token", () => {
  it("needs the password again when the session signed in over 15 minutes ago", async () => {
    const cookie = await signIn();
    const before = await demoTokens();
    expect(await settingsAction(cookie, "createTokenAction", [{ name: "fresh", expiresInDays: "7" }])).toContain('"ok":true');
    expect(await demoTokens()).toBe(before + 1);

    // The session signed in 16 minutes ago.
    await server.db.session.updateMany({ where: { userId: server.demo.id }, data: { authenticatedAt: new Date(Date.now() - RECENT_SIGN_IN_MS - 60_000) } });
    const asked = await settingsAction(cookie, "createTokenAction", [{ name: "stale", expiresInDays: "never" }]);
    expect(asked).toContain('"reauthenticate":true');
    expect(asked).toContain("enter your password again");
    expect(await settingsAction(cookie, "createTokenAction", [{ name: "stale", expiresInDays: "never", password: "wrong" }])).toContain(
      "That is not your password.",
    );
    expect(await demoTokens()).toBe(before + 1);
    expect(await settingsAction(cookie, "createTokenAction", [{ name: "confirmed", expiresInDays: "never", password: "hangar-demo" }])).toContain('"ok":true');
    expect(await demoTokens()).toBe(before + 2);
  });
});

describe("a garbage session cookie", () => {
  it("is a visitor who is signed out, silently", async () => {
    for (const cookie of [
      "next-auth.session-token=garbage",
      "next-auth.session-token=%E0%A4%A",
      "__Secure-next-auth.session-token=x",
      "next-auth.session-token=a.b.c.d.e",
    ]) {
      expect(await me(cookie), cookie).toBe(401);
      expect(await page(cookie, "/images"), cookie).toMatch(/^307 .*\/signin$/);
      expect(await page(cookie, "/signin"), cookie).toBe("page");
      expect((await fetch(`${server.url}/api/auth/session`, { headers: { cookie } })).status, cookie).toBe(200);
    }
    expect(server.log()).not.toMatch(/JWT_SESSION_ERROR|next-auth|^\s+at /m);
  });
});

describe("guessing a password", () => {
  it("110 wrong passwords sent at once over HTTP are throttled, the right one after them is refused, and the refusal says when to retry", async () => {
    const guess = () => signInOverHttp(server.url, "other@hangar.local", "not-the-password");
    const answers = await Promise.all(Array.from({ length: 110 }, guess));
    expect(answers.every((answer) => answer.cookie === null)).toBe(true);
    expect(answers.filter((answer) => answer.error?.startsWith("Too many")).length).toBeGreaterThanOrEqual(100);
    const right = await signInOverHttp(server.url, "other@hangar.local", "other-pass");
    expect(right.cookie).toBeNull();
    expect(right.error).toMatch(/^Too many failed sign-ins .*Try again in \d+ (seconds?|minutes?)/);
    // The guesser's address is past its own limit too (twenty failures): it cannot move on to the next account.
    expect((await signInOverHttp(server.url, "demo@hangar.local", "hangar-demo")).error).toMatch(/^Too many failed sign-ins/);
  });
});
