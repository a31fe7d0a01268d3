import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/hangar-process";
import { callAction } from "../testing/server-actions";
import { type HangarServer, startHangarServer } from "../testing/hangar-server";
import { type IssuerAccount, issuerHangarEnv, type OidcIssuer, startOidcIssuer } from "../testing/oidc-issuer";

/**
 * The OpenID Connect code flow end to end over HTTP: the production server, a real OpenID provider
 * (oidc-provider) on loopback, and in between a client that keeps each side's cookies and follows
 * redirects as a browser does, filling in the provider's login and consent forms.
 */
let hangar: HangarServer;
let issuer: OidcIssuer;
const ADA: IssuerAccount = { login: "ada", email: "ada@corp.example", name: "Ada Lovelace", groups: ["developers"] };
const ROOT: IssuerAccount = { login: "root", email: "root@corp.example", name: "Rooted Admin", groups: ["hangar-admins"] };
const BEA: IssuerAccount = { login: "bea", email: "bea@corp.example", name: "Bea Builder", groups: ["platform-builders"] };

beforeAll(async () => {
  const port = await freePort();
  hangar = await startHangarServer(issuerHangarEnv(port));
  issuer = await startOidcIssuer(port, [hangar.url], [ADA, ROOT, BEA]);
});
afterAll(async () => {
  await issuer.close();
  await hangar.close();
});

/** A cookie jar per host, as a browser keeps it (names and values only: enough for both servers here). */
class Browser {
  private jars = new Map<string, Map<string, string>>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const set of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = set.split(";");
      const eq = pair.indexOf("=");
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || pair.slice(eq + 1) === "";
      if (expired) jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }

  /** Follows redirects from `url` until a page answers; the trail of URLs visited, and the last answer. */
  async follow(url: string, init: RequestInit = {}): Promise<{ trail: string[]; response: Response }> {
    const trail = [url];
    let response = await this.request(url, init);
    while (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get("location") ?? "", trail.at(-1)).toString();
      trail.push(next);
      response = await this.request(next);
    }
    return { trail, response };
  }

  cookie(host: string, name: string): string | undefined {
    return this.jars.get(new URL(host).host)?.get(name);
  }
}

/** The provider's page's form: its action and hidden fields, with `fields` filled in, posted. */
async function submitForm(browser: Browser, page: { trail: string[]; response: Response }, fields: Record<string, string> = {}) {
  const html = await page.response.text();
  const form = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html);
  if (!form?.[1]) throw new Error(`no form on ${page.trail.at(-1)}:\n${html.slice(0, 500)}`);
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((match) => [match[1], match[2]]));
  return browser.follow(new URL(form[1], page.trail.at(-1)).toString(), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...hidden, ...fields }),
  });
}

/** What the portal's button does: next-auth's CSRF token, then the POST that starts the OpenID Connect sign-in (answered with a redirect). */
async function pressSignInButton(browser: Browser, url: string): Promise<Response> {
  const { csrfToken } = (await (await browser.request(`${url}/api/auth/csrf`)).json()) as { csrfToken: string };
  return browser.request(`${url}/api/auth/signin/oidc`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${url}/images` }),
  });
}

/** Signs in at Hangar through the provider as `login`: Hangar's sign-in POST, the provider's login and consent pages, the callback. */
async function signInThroughIssuer(login: string) {
  const browser = new Browser();
  const start = await pressSignInButton(browser, hangar.url);
  const authorization = new URL(start.headers.get("location") ?? "");
  const loginPage = await browser.follow(authorization.toString());
  const consentPage = await submitForm(browser, loginPage, { login, password: "any" });
  const landed = consentPage.trail.at(-1)?.startsWith(hangar.url) ? consentPage : await submitForm(browser, consentPage);
  const session = browser.cookie(hangar.url, "next-auth.session-token");
  return { browser, authorization, landed, session };
}

describe("OpenID Connect sign-in against a real provider", () => {
  it("is the authorization code flow with PKCE: the first sign-in creates the account, which lands signed in", async () => {
    const { authorization, landed, session, browser } = await signInThroughIssuer("ada");
    expect(authorization.origin).toBe(issuer.url);
    expect(authorization.searchParams.get("response_type")).toBe("code");
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(authorization.searchParams.get("scope")).toBe("openid email profile");
    expect(landed.trail.some((url) => url.startsWith(`${hangar.url}/api/auth/callback/oidc?code=`))).toBe(true);
    expect(landed.trail.at(-1)).toBe(`${hangar.url}/images`);
    expect(landed.response.status).toBe(200);
    expect(session).toBeTruthy();

    const user = await hangar.db.user.findUniqueOrThrow({ where: { email: ADA.email } });
    expect(user).toMatchObject({ name: "Ada Lovelace", role: "user", authSource: "oidc", externalId: `${issuer.url}#ada`, passwordHash: null });
    const me = (await (await browser.request(`${hangar.url}/api/v1/me`)).json()) as { email?: string };
    expect(me.email).toBe(ADA.email);
    // Her group, developers, maps to the team project Builds (issuerHangarEnv): she is a member, by the sync.
    const builds = await hangar.db.project.findUniqueOrThrow({ where: { nameKey: "builds" }, include: { members: true } });
    expect([builds.kind, builds.members.map((member) => [member.userId, member.role, member.source])]).toEqual(["team", [[user.id, "member", "sso"]]]);
    const projects = (await (await browser.request(`${hangar.url}/api/v1/projects`)).json()) as { items?: { name: string; role: string }[] };
    expect(JSON.stringify(projects)).toContain('"name":"Builds"');
  });

  it("a member of the admin group becomes an administrator; later sign-ins bring the name, email and role up to date", async () => {
    await signInThroughIssuer("root");
    expect(await hangar.db.user.findUniqueOrThrow({ where: { email: ROOT.email } })).toMatchObject({ role: "admin", authSource: "oidc" });
    issuer.setAccount({ ...ROOT, email: "root2@corp.example", name: "Root Renamed", groups: [] });
    await signInThroughIssuer("root");
    expect(await hangar.db.user.findFirstOrThrow({ where: { externalId: `${issuer.url}#root` } })).toMatchObject({
      email: "root2@corp.example",
      name: "Root Renamed",
      role: "user",
    });
  });

  it("a member of a project creator group creates team projects in the API and the portal, and owns them; out of the group, no more", async () => {
    const signedIn = await signInThroughIssuer("bea");
    const bea = await hangar.db.user.findUniqueOrThrow({ where: { email: BEA.email } });
    expect(bea).toMatchObject({ role: "user", projectCreator: true });
    const create = (browser: typeof signedIn.browser, body: Record<string, string>) =>
      browser.request(`${hangar.url}/api/v1/projects`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const created = await create(signedIn.browser, { name: "Bea's team" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: "Bea's team", kind: "team", role: "owner" });
    // The portal's New project (on Images) is the same server action for everyone it is offered to.
    const images = await (await signedIn.browser.request(`${hangar.url}/images`)).text();
    expect(images).toContain("New project");
    const action = await callAction(hangar.url, "/images", "createProjectAction", [{ name: "Bea's portal team" }], {
      cookie: `next-auth.session-token=${signedIn.session}`,
    });
    expect(await action.text()).toContain('"ok":true');
    // A quota stays the administrators' to give.
    expect((await create(signedIn.browser, { name: "Bea's big team", quotaBytes: "1TiB" })).status).toBe(403);
    const owned = await hangar.db.projectMember.findMany({ where: { userId: bea.id, role: "owner", project: { kind: "team" } }, include: { project: true } });
    expect(owned.map((member) => member.project.name).sort()).toEqual(["Bea's portal team", "Bea's team"]);

    // Out of the group at the provider: the next sign-in takes the right away, and the trail says so, as for the admin role.
    issuer.setAccount({ ...BEA, groups: [] });
    const later = await signInThroughIssuer("bea");
    expect((await hangar.db.user.findUniqueOrThrow({ where: { id: bea.id } })).projectCreator).toBe(false);
    expect((await create(later.browser, { name: "Bea's third team" })).status).toBe(403);
    const updates = await hangar.db.auditEvent.findMany({ where: { objectId: bea.id, action: "user.update" } });
    expect(updates.map((event) => [event.via, event.before, event.after])).toContainEqual(["system", '{"projectCreator":true}', '{"projectCreator":false}']);
  });

  it("a disabled account is refused, and the sign-in page says why", async () => {
    issuer.setAccount({ login: "eve", email: "eve@corp.example", name: "Eve", groups: [] });
    await signInThroughIssuer("eve");
    await hangar.db.user.update({ where: { email: "eve@corp.example" }, data: { disabledAt: new Date() } });
    const { landed, session } = await signInThroughIssuer("eve");
    expect(session).toBeUndefined();
    expect(landed.trail.at(-1)).toBe(`${hangar.url}/signin?error=SsoRefused&reason=disabled`);
    expect(await landed.response.text()).toContain("This account is disabled. Ask an administrator.");
  });
});

describe("a provider that does not answer", () => {
  it("sends the browser back to the sign-in page, which says what happened", async () => {
    const nowhere = await startHangarServer(issuerHangarEnv(await freePort()));
    try {
      const browser = new Browser();
      const start = await pressSignInButton(browser, nowhere.url);
      const page = await browser.follow(new URL(start.headers.get("location") ?? "", nowhere.url).toString());
      const landed = new URL(page.trail.at(-1) ?? "");
      expect([landed.origin, landed.pathname, landed.searchParams.get("error")]).toEqual([nowhere.url, "/signin", "OAuthSignin"]);
      expect(await page.response.text()).toContain("Signing in with Test IdP did not work");
      expect(await nowhere.db.user.count({ where: { authSource: "oidc" } })).toBe(0);
    } finally {
      await nowhere.close();
    }
  });
});

describe("a configuration mistake", () => {
  it("stops the production start with a message naming the variable", async () => {
    await expect(startHangarServer({ HANGAR_OIDC_ISSUER: "id.example.com", HANGAR_OIDC_CLIENT_ID: "hangar" })).rejects.toThrow(
      /Hangar cannot start: HANGAR_OIDC_ISSUER="id\.example\.com" must be an http:\/\/ or https:\/\/ URL\./,
    );
  });
});
