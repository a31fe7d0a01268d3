import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config-error";
import { parseSsoConfig } from "./config";
import { localPasswordAllowed } from "./sign-in";

const OIDC = { HANGAR_OIDC_ISSUER: "https://id.example.com/realms/corp/", HANGAR_OIDC_CLIENT_ID: "hangar", HANGAR_OIDC_CLIENT_SECRET: "s3cret" };
const LDAP = { HANGAR_LDAP_URL: "ldap://ldap.example.com:389", HANGAR_LDAP_USER_DN: "uid={username},ou=people,dc=example,dc=com" };

describe("single sign-on configuration", () => {
  it("nothing set: local passwords only", () => {
    expect(parseSsoConfig({})).toEqual({ oidc: null, ldap: null, localPasswords: true, demoEmail: null });
  });

  it("OpenID Connect: issuer without its trailing slash, defaults for the rest", () => {
    const { oidc } = parseSsoConfig({
      ...OIDC,
      HANGAR_OIDC_ADMIN_GROUPS: "hangar-admins",
      HANGAR_OIDC_PROJECT_CREATOR_GROUPS: "platform-builders, release",
      HANGAR_OIDC_GROUP_PROJECTS: "ops=Operations:owner",
    });
    expect(oidc).toEqual({
      issuer: "https://id.example.com/realms/corp",
      clientId: "hangar",
      clientSecret: "s3cret",
      name: "single sign-on",
      scopes: "openid email profile",
      groupsClaim: "groups",
      trustEmail: false,
      groups: {
        adminGroups: ["hangar-admins"],
        creatorGroups: ["platform-builders", "release"],
        projects: [{ group: "ops", project: "Operations", role: "owner" }],
        ignoreCase: false,
      },
    });
  });

  it("LDAP with a DN template and group search", () => {
    const { ldap } = parseSsoConfig({
      ...LDAP,
      HANGAR_LDAP_GROUPS: "search",
      HANGAR_LDAP_GROUP_BASE: "ou=groups,dc=example,dc=com",
      HANGAR_LDAP_TIMEOUT: "5",
      HANGAR_LDAP_PROJECT_CREATOR_GROUPS: "cn=builders,ou=groups,dc=example,dc=com; release",
    });
    expect(ldap).toMatchObject({
      url: "ldap://ldap.example.com:389",
      groupSource: "search",
      timeoutMs: 5000,
      bindDn: null,
      groups: { ignoreCase: true, creatorGroups: ["cn=builders,ou=groups,dc=example,dc=com", "release"] },
    });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      "an issuer that is not a URL",
      { ...OIDC, HANGAR_OIDC_ISSUER: "id.example.com" },
      /^HANGAR_OIDC_ISSUER="id.example.com" must be an http:\/\/ or https:\/\/ URL\.$/,
    ],
    ["an issuer of another scheme", { ...OIDC, HANGAR_OIDC_ISSUER: "ftp://id.example.com" }, /HANGAR_OIDC_ISSUER="ftp:\/\/id.example.com" must be/],
    ["no client id", { HANGAR_OIDC_ISSUER: "https://id.example.com" }, /^HANGAR_OIDC_CLIENT_ID is required with HANGAR_OIDC_ISSUER\.$/],
    ["scopes without openid", { ...OIDC, HANGAR_OIDC_SCOPES: "email profile" }, /HANGAR_OIDC_SCOPES="email profile" must include openid/],
    ["a yes/no that is neither", { ...OIDC, HANGAR_OIDC_TRUST_EMAIL: "maybe" }, /HANGAR_OIDC_TRUST_EMAIL="maybe" is neither 1 nor 0/],
    ["a bad group mapping", { ...OIDC, HANGAR_OIDC_GROUP_PROJECTS: "ops" }, /^HANGAR_OIDC_GROUP_PROJECTS: "ops" is not GROUP=PROJECT/],
    [
      "an LDAP URL of another scheme",
      { ...LDAP, HANGAR_LDAP_URL: "http://ldap.example.com" },
      /HANGAR_LDAP_URL="http:\/\/ldap.example.com" must be ldap:\/\/HOST/,
    ],
    ["LDAP without a way to find users", { HANGAR_LDAP_URL: "ldap://ldap" }, /HANGAR_LDAP_BIND_DN and HANGAR_LDAP_BIND_PASSWORD .* or HANGAR_LDAP_USER_DN/],
    [
      "a DN template without {username}",
      { ...LDAP, HANGAR_LDAP_USER_DN: "uid=x,dc=example" },
      /HANGAR_LDAP_USER_DN="uid=x,dc=example" must contain \{username\}/,
    ],
    [
      "a service account without password",
      { HANGAR_LDAP_URL: "ldap://ldap", HANGAR_LDAP_BIND_DN: "cn=svc", HANGAR_LDAP_USER_BASE: "dc=x" },
      /HANGAR_LDAP_BIND_PASSWORD is required/,
    ],
    [
      "a service account without user base",
      { HANGAR_LDAP_URL: "ldap://ldap", HANGAR_LDAP_BIND_DN: "cn=svc", HANGAR_LDAP_BIND_PASSWORD: "p" },
      /HANGAR_LDAP_USER_BASE is required/,
    ],
    ["group search without base", { ...LDAP, HANGAR_LDAP_GROUPS: "search" }, /HANGAR_LDAP_GROUP_BASE is required/],
    ["an unknown group source", { ...LDAP, HANGAR_LDAP_GROUPS: "posix" }, /HANGAR_LDAP_GROUPS="posix" is memberOf, search or none/],
    ["a timeout out of range", { ...LDAP, HANGAR_LDAP_TIMEOUT: "0" }, /HANGAR_LDAP_TIMEOUT="0" is 1 to 120 seconds/],
    [
      "a CA file that is not there",
      { ...LDAP, HANGAR_LDAP_CA_FILE: "/nonexistent/ca.pem" },
      /HANGAR_LDAP_CA_FILE: cannot read \/nonexistent\/ca.pem \(ENOENT\)/,
    ],
    ["local passwords off without single sign-on", { HANGAR_LOCAL_PASSWORDS: "0" }, /HANGAR_LOCAL_PASSWORDS=0 needs a single sign-on/],
    ["local passwords neither on nor off", { ...OIDC, HANGAR_LOCAL_PASSWORDS: "sometimes" }, /HANGAR_LOCAL_PASSWORDS="sometimes" is neither 1 nor 0/],
  ])("refuses %s with a message naming the variable", (_, env, message) => {
    expect(() => parseSsoConfig(env)).toThrow(ConfigError);
    expect(() => parseSsoConfig(env)).toThrow(message);
  });

  it("local passwords off: administrators and the demo account keep theirs, everyone else is sent to the single sign-on", () => {
    const off = parseSsoConfig({ ...OIDC, HANGAR_OIDC_NAME: "Keycloak", HANGAR_LOCAL_PASSWORDS: "0", HANGAR_DEMO: "1" });
    const person = (email: string, role: "admin" | "user") => ({ id: email, email, name: email, role });
    expect(localPasswordAllowed(off, person("root@example.com", "admin")).ok).toBe(true);
    expect(localPasswordAllowed(off, person("demo@hangar.local", "user")).ok).toBe(true);
    expect(localPasswordAllowed(off, person("alice@example.com", "user"))).toEqual({
      ok: false,
      error: { code: "forbidden", message: "Local passwords are turned off: sign in with Keycloak." },
    });
    expect(localPasswordAllowed({ ...off, demoEmail: null }, person("demo@hangar.local", "user")).ok).toBe(false);
    expect(localPasswordAllowed(parseSsoConfig({ ...OIDC }), person("alice@example.com", "user")).ok).toBe(true);
  });

  it("local passwords can be turned off when a single sign-on is configured", () => {
    expect(parseSsoConfig({ ...OIDC, HANGAR_LOCAL_PASSWORDS: "0" }).localPasswords).toBe(false);
    expect(parseSsoConfig({ ...LDAP, HANGAR_LOCAL_PASSWORDS: "off" }).localPasswords).toBe(false);
    expect(parseSsoConfig({ ...OIDC, HANGAR_LOCAL_PASSWORDS: "1" }).localPasswords).toBe(true);
  });

  it("reads the directory's CA from a file", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hangar-ca-")), "ca.pem");
    fs.writeFileSync(file, "-----BEGIN CERTIFICATE-----\n");
    expect(parseSsoConfig({ ...LDAP, HANGAR_LDAP_CA_FILE: file }).ldap?.ca).toBe("-----BEGIN CERTIFICATE-----\n");
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
