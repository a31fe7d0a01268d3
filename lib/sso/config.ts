import fs from "node:fs";
import { type GroupMapping, parseGroupList, parseGroupProjects } from "./groups";
import { ConfigError } from "../config-error";

/** OpenID Connect (Keycloak, Entra ID, Google, Authentik...): authorization code with PKCE, endpoints from the issuer's discovery document. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Empty for a public client (PKCE alone). */
  clientSecret: string;
  /** The sign-in button's text: "Sign in with NAME". */
  name: string;
  scopes: string;
  /** The claim (ID token or userinfo) that lists the user's groups. */
  groupsClaim: string;
  /** Link a first sign-in to an existing account of the same email even when the provider does not say the email is verified. */
  trustEmail: boolean;
  groups: GroupMapping;
}

/** LDAP or Active Directory: search-then-bind with a service account, or a direct bind from a DN template. */
export interface LdapConfig {
  url: string;
  startTls: boolean;
  /** PEM of the CA that signed the directory's certificate (ldaps:// or StartTLS); the system's CAs otherwise. */
  ca: string | null;
  bindDn: string | null;
  bindPassword: string | null;
  /** A DN with {username} (uid={username},ou=people,dc=example,dc=com) or an AD user principal ({username}@corp.example.com): bind as the user directly. */
  userDnTemplate: string | null;
  userBase: string | null;
  /** {username} is replaced by the escaped user name. */
  userFilter: string;
  emailAttribute: string;
  nameAttribute: string;
  /** What identifies the entry for good (entryUUID, objectGUID); the DN when the entry has none. */
  idAttribute: string;
  groupSource: "memberOf" | "search" | "none";
  groupBase: string | null;
  /** {dn} is the user's DN, {username} the user name, both escaped. */
  groupFilter: string;
  groupNameAttribute: string;
  timeoutMs: number;
  groups: GroupMapping;
}

export interface SsoConfig {
  oidc: OidcConfig | null;
  ldap: LdapConfig | null;
  /** "off": only administrators sign in with a local password (the way in when the identity provider is down). */
  localPasswords: "on" | "off";
}

type Env = Record<string, string | undefined>;

const value = (env: Env, name: string) => env[name]?.trim() || null;

function required(env: Env, name: string, because: string): string {
  const found = value(env, name);
  if (!found) throw new ConfigError(`${name} is required ${because}.`);
  return found;
}

function flag(env: Env, name: string): boolean {
  const raw = value(env, name)?.toLowerCase();
  if (raw === null || raw === undefined || ["0", "false", "off", "no"].includes(raw)) return false;
  if (["1", "true", "on", "yes"].includes(raw)) return true;
  throw new ConfigError(`${name} is "${env[name]}": use 1 or 0.`);
}

function httpUrl(env: Env, name: string): string {
  const raw = required(env, name, "for OpenID Connect");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is "${raw}", which is not a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${name} must be an https:// URL, not "${raw}".`);
  return raw.replace(/\/+$/, "");
}

function oidcConfig(env: Env): OidcConfig | null {
  if (!value(env, "HANGAR_OIDC_ISSUER")) return null;
  const scopes = value(env, "HANGAR_OIDC_SCOPES") ?? "openid email profile";
  if (!scopes.split(/\s+/).includes("openid")) throw new ConfigError(`HANGAR_OIDC_SCOPES must include openid, not "${scopes}".`);
  return {
    issuer: httpUrl(env, "HANGAR_OIDC_ISSUER"),
    clientId: required(env, "HANGAR_OIDC_CLIENT_ID", "with HANGAR_OIDC_ISSUER"),
    clientSecret: value(env, "HANGAR_OIDC_CLIENT_SECRET") ?? "",
    name: value(env, "HANGAR_OIDC_NAME") ?? "single sign-on",
    scopes,
    groupsClaim: value(env, "HANGAR_OIDC_GROUPS_CLAIM") ?? "groups",
    trustEmail: flag(env, "HANGAR_OIDC_TRUST_EMAIL"),
    groups: {
      adminGroups: parseGroupList(env.HANGAR_OIDC_ADMIN_GROUPS),
      projects: parseGroupProjects(env.HANGAR_OIDC_GROUP_PROJECTS, "HANGAR_OIDC_GROUP_PROJECTS"),
      ignoreCase: false,
    },
  };
}

function readCa(env: Env): string | null {
  const file = value(env, "HANGAR_LDAP_CA_FILE");
  if (!file) return null;
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`HANGAR_LDAP_CA_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

function ldapConfig(env: Env): LdapConfig | null {
  const url = value(env, "HANGAR_LDAP_URL");
  if (!url) return null;
  if (!/^ldaps?:\/\/[^/]+/i.test(url)) throw new ConfigError(`HANGAR_LDAP_URL must be ldap://HOST[:PORT] or ldaps://HOST[:PORT], not "${url}".`);
  const bindDn = value(env, "HANGAR_LDAP_BIND_DN");
  const userDnTemplate = value(env, "HANGAR_LDAP_USER_DN");
  const userBase = value(env, "HANGAR_LDAP_USER_BASE");
  if (!bindDn && !userDnTemplate)
    throw new ConfigError(
      "LDAP needs a way to find users: HANGAR_LDAP_BIND_DN and HANGAR_LDAP_BIND_PASSWORD (search, then bind), or HANGAR_LDAP_USER_DN (bind directly).",
    );
  if (bindDn && !userBase) throw new ConfigError("HANGAR_LDAP_USER_BASE is required with HANGAR_LDAP_BIND_DN: it is where users are searched for.");
  if (userDnTemplate && !userDnTemplate.includes("=") && !userBase)
    throw new ConfigError(
      "HANGAR_LDAP_USER_BASE is required when HANGAR_LDAP_USER_DN is not a DN (a user principal name): it is where the user's entry is read.",
    );
  if (userDnTemplate && !userDnTemplate.includes("{username}"))
    throw new ConfigError(`HANGAR_LDAP_USER_DN must contain {username}, as in "uid={username},ou=people,dc=example,dc=com".`);
  const groupSource = value(env, "HANGAR_LDAP_GROUPS") ?? "memberOf";
  if (groupSource !== "memberOf" && groupSource !== "search" && groupSource !== "none")
    throw new ConfigError(`HANGAR_LDAP_GROUPS is "${groupSource}": use memberOf, search or none.`);
  const groupBase = value(env, "HANGAR_LDAP_GROUP_BASE");
  if (groupSource === "search" && !groupBase) throw new ConfigError("HANGAR_LDAP_GROUP_BASE is required with HANGAR_LDAP_GROUPS=search.");
  const timeout = Number(value(env, "HANGAR_LDAP_TIMEOUT") ?? "10");
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 120)
    throw new ConfigError(`HANGAR_LDAP_TIMEOUT is seconds, 1 to 120, not "${env.HANGAR_LDAP_TIMEOUT}".`);
  return {
    url,
    startTls: flag(env, "HANGAR_LDAP_START_TLS"),
    ca: readCa(env),
    bindDn,
    bindPassword: bindDn ? required(env, "HANGAR_LDAP_BIND_PASSWORD", "with HANGAR_LDAP_BIND_DN") : null,
    userDnTemplate,
    userBase,
    userFilter: value(env, "HANGAR_LDAP_USER_FILTER") ?? "(|(uid={username})(mail={username}))",
    emailAttribute: value(env, "HANGAR_LDAP_EMAIL_ATTRIBUTE") ?? "mail",
    nameAttribute: value(env, "HANGAR_LDAP_NAME_ATTRIBUTE") ?? "displayName",
    idAttribute: value(env, "HANGAR_LDAP_ID_ATTRIBUTE") ?? "entryUUID",
    groupSource,
    groupBase,
    groupFilter: value(env, "HANGAR_LDAP_GROUP_FILTER") ?? "(|(member={dn})(uniqueMember={dn}))",
    groupNameAttribute: value(env, "HANGAR_LDAP_GROUP_NAME_ATTRIBUTE") ?? "cn",
    timeoutMs: timeout * 1000,
    groups: {
      // DNs hold commas: LDAP lists are separated by semicolons.
      adminGroups: parseGroupList(env.HANGAR_LDAP_ADMIN_GROUPS, /[;\n]/),
      projects: parseGroupProjects(env.HANGAR_LDAP_GROUP_PROJECTS, "HANGAR_LDAP_GROUP_PROJECTS"),
      ignoreCase: true,
    },
  };
}

/** Reads and checks the sign-in configuration; throws a message naming the variable, so that a mistake stops the server at start. */
export function parseSsoConfig(env: Env): SsoConfig {
  const oidc = oidcConfig(env);
  const ldap = ldapConfig(env);
  const local = (value(env, "HANGAR_LOCAL_PASSWORDS") ?? "on").toLowerCase();
  if (local !== "on" && local !== "off") throw new ConfigError(`HANGAR_LOCAL_PASSWORDS is "${env.HANGAR_LOCAL_PASSWORDS}": use on or off.`);
  if (local === "off" && !oidc && !ldap) throw new ConfigError("HANGAR_LOCAL_PASSWORDS=off needs a single sign-on: set HANGAR_OIDC_ISSUER or HANGAR_LDAP_URL.");
  return { oidc, ldap, localPasswords: local };
}

let fromEnv: SsoConfig | undefined;

/** The sign-in configuration of this process, read from its environment once. */
export function ssoConfig(): SsoConfig {
  fromEnv ??= parseSsoConfig(process.env);
  return fromEnv;
}
