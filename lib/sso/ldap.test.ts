import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrf } from "../testing/browser-session";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { createProject } from "../projects/projects";
import { startHangarServer } from "../testing/hangar-server";
import { type DirectoryPerson, startTestDirectory, type TestDirectory } from "../testing/slapd";
import { type LdapConfig, parseSsoConfig } from "./config";
import { DirectoryUnavailable, ldapAuthenticate } from "./ldap";
import { DIRECTORY_DOWN, signInWithLdap, WRONG_DIRECTORY_PASSWORD } from "./sign-in";

const ADA: DirectoryPerson = { uid: "ada", password: "ada's directory password", name: "Ada Lovelace", email: "ada@example.com", groups: ["developers"] };
const ROOT: DirectoryPerson = {
  uid: "root",
  password: "root's directory password",
  name: "Root Admin",
  email: "root@example.com",
  groups: ["hangar-admins", "developers"],
};

let directory: TestDirectory;
let env: CatalogTestEnv;
beforeAll(async () => {
  directory = await startTestDirectory([ADA, ROOT]);
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
  await directory.close();
});

/** The configuration an operator writes, read as the server reads it. */
function config(vars: Record<string, string>): LdapConfig {
  const ldap = parseSsoConfig({ HANGAR_LDAP_URL: directory.url, HANGAR_LDAP_TIMEOUT: "5", ...vars }).ldap;
  if (!ldap) throw new Error("no LDAP configuration");
  return ldap;
}
const searchThenBind = (vars: Record<string, string> = {}) =>
  config({
    HANGAR_LDAP_BIND_DN: directory.service.dn,
    HANGAR_LDAP_BIND_PASSWORD: directory.service.password,
    HANGAR_LDAP_USER_BASE: `ou=people,${directory.suffix}`,
    ...vars,
  });
const directBind = (vars: Record<string, string> = {}) => config({ HANGAR_LDAP_USER_DN: `uid={username},ou=people,${directory.suffix}`, ...vars });

describe("checking a password against slapd", () => {
  it("search-then-bind with a service account: the entry, its lasting id and its groups from memberOf", async () => {
    const user = await ldapAuthenticate(searchThenBind(), "ada", ADA.password);
    expect(user).toMatchObject({ dn: directory.userDn("ada"), email: ADA.email, name: "Ada Lovelace", groups: [directory.groupDn("developers")] });
    // entryUUID: what stays when the entry is renamed.
    expect(user?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The user filter also finds people by email.
    expect((await ldapAuthenticate(searchThenBind(), "ada@example.com", ADA.password))?.dn).toBe(directory.userDn("ada"));
  });

  it("a direct bind from a DN template, groups from a group search (DNs and names)", async () => {
    const user = await ldapAuthenticate(
      directBind({ HANGAR_LDAP_GROUPS: "search", HANGAR_LDAP_GROUP_BASE: `ou=groups,${directory.suffix}` }),
      "root",
      ROOT.password,
    );
    expect(user?.groups.sort()).toEqual([directory.groupDn("developers"), directory.groupDn("hangar-admins"), "developers", "hangar-admins"].sort());
  });

  it.each([
    ["a wrong password", "ada", "not the password"],
    ["an unknown user", "nobody", "whatever"],
    ["an empty password (an anonymous bind to LDAP)", "ada", ""],
    ["a filter injection", "*)(uid=*", "whatever"],
    ["a wildcard", "*", ADA.password],
  ])("refuses %s (search-then-bind and direct bind alike)", async (_, username, password) => {
    expect(await ldapAuthenticate(searchThenBind(), username, password)).toBeNull();
    expect(await ldapAuthenticate(directBind(), username, password)).toBeNull();
  });

  it("a service account the directory refuses is the directory's problem, not a wrong password", async () => {
    await expect(ldapAuthenticate(searchThenBind({ HANGAR_LDAP_BIND_PASSWORD: "wrong" }), "ada", ADA.password)).rejects.toBeInstanceOf(DirectoryUnavailable);
  });
});

describe("signing in with the directory", () => {
  let client = 0;
  const attempt = (username: string, password: string) => ({ username, password, clientAddress: `198.51.100.${++client}` });

  it("the first sign-in creates the account (source ldap, its entryUUID), the admin group makes an administrator", async () => {
    const ldap = searchThenBind({ HANGAR_LDAP_ADMIN_GROUPS: `cn=hangar-admins,ou=groups,${directory.suffix}` });
    const root = await signInWithLdap(env.db, ldap, attempt("root", ROOT.password));
    expect(root).toMatchObject({ ok: true, value: { email: ROOT.email, name: "Root Admin", role: "admin" } });
    const ada = await signInWithLdap(env.db, ldap, attempt("ada", ADA.password));
    if (!ada.ok) throw new Error(ada.error.message);
    expect(ada.value.role).toBe("user");
    const record = await env.db.user.findUniqueOrThrow({ where: { id: ada.value.id } });
    expect(record).toMatchObject({ authSource: "ldap", passwordHash: null });
    expect(record.externalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await signInWithLdap(env.db, ldap, attempt("ada", ADA.password))).toEqual(ada);
  });

  it("the directory's groups (by DN or name) give team memberships at sign-in, with the admin role, and follow the directory later", async () => {
    const ldap = searchThenBind({
      HANGAR_LDAP_ADMIN_GROUPS: `cn=hangar-admins,ou=groups,${directory.suffix}`,
      HANGAR_LDAP_GROUP_PROJECTS: `cn=developers,ou=groups,${directory.suffix}=Directory Builds:member; HANGAR-ADMINS=Directory Ops:owner`,
    });
    const teams = async (userId: string) =>
      (await env.db.projectMember.findMany({ where: { userId, project: { kind: "team" } }, include: { project: true } }))
        .map((row) => `${row.project.name}:${row.role}:${row.source}`)
        .sort();
    const root = await signInWithLdap(env.db, ldap, attempt("root", ROOT.password));
    if (!root.ok) throw new Error(root.error.message);
    expect(root.value.role).toBe("admin");
    expect(await teams(root.value.id)).toEqual(["Directory Builds:member:sso", "Directory Ops:owner:sso"]);
    const ada = await signInWithLdap(env.db, ldap, attempt("ada", ADA.password));
    if (!ada.ok) throw new Error(ada.error.message);
    expect(await teams(ada.value.id)).toEqual(["Directory Builds:member:sso"]);
    // The mapping changed (an operator's edit): the membership the sync gave goes at the next sign-in.
    const narrower = searchThenBind({ HANGAR_LDAP_GROUP_PROJECTS: "hangar-admins=Directory Ops:owner" });
    await signInWithLdap(env.db, narrower, attempt("ada", ADA.password));
    expect(await teams(ada.value.id)).toEqual([]);
  });

  it("members of the project creator groups (by DN or name, without case) may create team projects; the right follows the directory", async () => {
    const creators = (groups: string) => searchThenBind({ HANGAR_LDAP_PROJECT_CREATOR_GROUPS: groups });
    const ada = await signInWithLdap(env.db, creators(`CN=Developers,ou=groups,${directory.suffix}`), attempt("ada", ADA.password));
    if (!ada.ok) throw new Error(ada.error.message);
    expect(ada.value).toMatchObject({ role: "user", projectCreator: true });
    const created = await createProject({ db: env.db, defaultQuota: null }, ada.value, { name: "Ada's directory team" });
    expect(created.ok && [created.value.kind, created.value.role]).toEqual(["team", "owner"]);
    // Now only hangar-admins may: Ada is not one of them, and loses the right at her next sign-in.
    const narrower = await signInWithLdap(env.db, creators("HANGAR-ADMINS"), attempt("ada", ADA.password));
    if (!narrower.ok) throw new Error(narrower.error.message);
    expect((await env.db.user.findUniqueOrThrow({ where: { id: ada.value.id } })).projectCreator).toBe(false);
    expect(await createProject({ db: env.db, defaultQuota: null }, narrower.value, { name: "Ada's second team" })).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
    const root = await signInWithLdap(env.db, creators("HANGAR-ADMINS"), attempt("root", ROOT.password));
    expect(root.ok && root.value.projectCreator).toBe(true);
  });

  it("a wrong password says so; a directory that is down says that instead", async () => {
    expect(await signInWithLdap(env.db, directBind(), attempt("ada", "wrong"))).toMatchObject({ ok: false, error: { message: WRONG_DIRECTORY_PASSWORD } });
    const down = await startTestDirectory([]);
    const downConfig = parseSsoConfig({ HANGAR_LDAP_URL: down.url, HANGAR_LDAP_USER_DN: "uid={username},dc=example,dc=com", HANGAR_LDAP_TIMEOUT: "2" }).ldap;
    await down.close();
    if (!downConfig) throw new Error("no LDAP configuration");
    expect(await signInWithLdap(env.db, downConfig, attempt("ada", ADA.password))).toMatchObject({
      ok: false,
      error: { code: "unavailable", message: DIRECTORY_DOWN },
    });
  });
});

describe("the production server with LDAP configured", () => {
  it("signs a directory user in through next-auth's LDAP provider; local passwords off refuses a user's local password but not an administrator's or the demo's", async () => {
    const hangar = await startHangarServer({
      HANGAR_LDAP_URL: directory.url,
      HANGAR_LDAP_USER_DN: `uid={username},ou=people,${directory.suffix}`,
      HANGAR_LOCAL_PASSWORDS: "0",
    });
    try {
      const post = async (provider: string, fields: Record<string, string>) => {
        const { csrfToken, cookies } = await csrf(hangar.url);
        const response = await fetch(`${hangar.url}/api/auth/callback/${provider}`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
          body: new URLSearchParams({ csrfToken, ...fields }),
        });
        const signedIn = response.headers.getSetCookie().some((cookie) => cookie.startsWith("next-auth.session-token="));
        return { signedIn, error: new URL(response.headers.get("location") ?? "/", hangar.url).searchParams.get("error") };
      };
      expect(await post("ldap", { username: "ada", password: ADA.password })).toEqual({ signedIn: true, error: null });
      expect(await hangar.db.user.findUniqueOrThrow({ where: { email: ADA.email } })).toMatchObject({ authSource: "ldap" });
      expect(await post("ldap", { username: "ada", password: "wrong" })).toEqual({ signedIn: false, error: WRONG_DIRECTORY_PASSWORD });
      expect(await post("credentials", { email: "other@hangar.local", password: "other-pass" })).toEqual({
        signedIn: false,
        error: "Local passwords are turned off: sign in with your directory account.",
      });
      expect(await post("credentials", { email: "admin@hangar.local", password: "hangar-admin" })).toEqual({ signedIn: true, error: null });
      // The demo (HANGAR_DEMO, which the test server sets) keeps working without a directory account.
      expect(await post("credentials", { email: "demo@hangar.local", password: "hangar-demo" })).toEqual({ signedIn: true, error: null });
    } finally {
      await hangar.close();
    }
  });
});
