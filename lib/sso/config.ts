import fs from "node:fs";
import { z } from "zod";
import { demoEmail } from "../accounts/bootstrap";
import { ConfigError } from "../config-error";
import type { Env } from "../env";
import { type GroupMapping, parseGroupList, parseGroupProjects } from "./groups";

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
  /** Link a first sign-in to an existing local account of the same email even when the provider does not say the email is verified. */
  trustEmail: boolean;
  groups: GroupMapping;
}

/** LDAP or Active Directory: search-then-bind with a service account, or a direct bind from a DN template. */
export interface LdapConfig {
  url: string;
  /** The sign-in form's heading: "Sign in with NAME". */
  name: string;
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
  /** false: the sign-in page offers single sign-on only, and a local password signs in administrators only (the way in when the provider is down). */
  localPasswords: boolean;
  /** The demo account (HANGAR_DEMO), which keeps its password when local passwords are off: a demo needs no provider's account. */
  demoEmail: string | null;
}

// Unset and blank are the same: an operator's `HANGAR_X=` means "not set".
const optional = z.preprocess((value) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined), z.string().optional());
const withDefault = (fallback: string) => optional.transform((value) => value ?? fallback);
const flag = optional.transform((value, context) => {
  const text = value?.toLowerCase();
  if (text === undefined || ["0", "false", "off", "no"].includes(text)) return false;
  if (["1", "true", "on", "yes"].includes(text)) return true;
  context.addIssue({ code: "custom", message: "is neither 1 nor 0 (on/off and true/false also work)" });
  return z.NEVER;
});
const httpUrl = z
  .string()
  .trim()
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), { error: "must be an http:// or https:// URL" })
  .transform((text) => text.replace(/\/+$/, ""));

const oidcSchema = z.object({
  HANGAR_OIDC_ISSUER: httpUrl,
  HANGAR_OIDC_CLIENT_ID: z.string({ error: "is required with HANGAR_OIDC_ISSUER" }).trim().min(1, "is required with HANGAR_OIDC_ISSUER"),
  HANGAR_OIDC_CLIENT_SECRET: withDefault(""),
  HANGAR_OIDC_NAME: withDefault("single sign-on"),
  HANGAR_OIDC_SCOPES: withDefault("openid email profile").refine((scopes) => scopes.split(/\s+/).includes("openid"), "must include openid"),
  HANGAR_OIDC_GROUPS_CLAIM: withDefault("groups"),
  HANGAR_OIDC_TRUST_EMAIL: flag,
  HANGAR_OIDC_ADMIN_GROUPS: optional,
  HANGAR_OIDC_PROJECT_CREATOR_GROUPS: optional,
  HANGAR_OIDC_GROUP_PROJECTS: optional,
});

const ldapSchema = z.object({
  HANGAR_LDAP_URL: z
    .string()
    .trim()
    .regex(/^ldaps?:\/\/[^/]+\/?$/i, "must be ldap://HOST[:PORT] or ldaps://HOST[:PORT]"),
  HANGAR_LDAP_NAME: withDefault("your directory account"),
  HANGAR_LDAP_START_TLS: flag,
  HANGAR_LDAP_CA_FILE: optional,
  HANGAR_LDAP_BIND_DN: optional,
  HANGAR_LDAP_BIND_PASSWORD: optional,
  HANGAR_LDAP_USER_DN: optional.refine((template) => template === undefined || template.includes("{username}"), {
    error: 'must contain {username}, as in "uid={username},ou=people,dc=example,dc=com"',
  }),
  HANGAR_LDAP_USER_BASE: optional,
  HANGAR_LDAP_USER_FILTER: withDefault("(|(uid={username})(mail={username}))"),
  HANGAR_LDAP_EMAIL_ATTRIBUTE: withDefault("mail"),
  HANGAR_LDAP_NAME_ATTRIBUTE: withDefault("displayName"),
  HANGAR_LDAP_ID_ATTRIBUTE: withDefault("entryUUID"),
  HANGAR_LDAP_GROUPS: withDefault("memberOf").pipe(z.enum(["memberOf", "search", "none"], { error: "is memberOf, search or none" })),
  HANGAR_LDAP_GROUP_BASE: optional,
  HANGAR_LDAP_GROUP_FILTER: withDefault("(|(member={dn})(uniqueMember={dn}))"),
  HANGAR_LDAP_GROUP_NAME_ATTRIBUTE: withDefault("cn"),
  HANGAR_LDAP_TIMEOUT: withDefault("10")
    .transform(Number)
    .pipe(z.number({ error: "is whole seconds" }).int("is whole seconds").min(1, "is 1 to 120 seconds").max(120, "is 1 to 120 seconds")),
  HANGAR_LDAP_ADMIN_GROUPS: optional,
  HANGAR_LDAP_PROJECT_CREATOR_GROUPS: optional,
  HANGAR_LDAP_GROUP_PROJECTS: optional,
});

/** The first problem zod found, as a sentence naming the variable: the server stops at start with it. */
function parsed<T>(schema: z.ZodType<T>, env: Env): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues.at(0);
  const variable = String(issue?.path.at(0) ?? "");
  const value = env[variable];
  throw new ConfigError(`${variable}${value === undefined || value.trim() === "" ? "" : `="${value}"`} ${issue?.message ?? "is not valid"}.`);
}

function oidcConfig(env: Env): OidcConfig | null {
  if (!env.HANGAR_OIDC_ISSUER?.trim()) return null;
  const read = parsed(oidcSchema, env);
  return {
    issuer: read.HANGAR_OIDC_ISSUER,
    clientId: read.HANGAR_OIDC_CLIENT_ID,
    clientSecret: read.HANGAR_OIDC_CLIENT_SECRET,
    name: read.HANGAR_OIDC_NAME,
    scopes: read.HANGAR_OIDC_SCOPES,
    groupsClaim: read.HANGAR_OIDC_GROUPS_CLAIM,
    trustEmail: read.HANGAR_OIDC_TRUST_EMAIL,
    groups: {
      adminGroups: parseGroupList(read.HANGAR_OIDC_ADMIN_GROUPS),
      creatorGroups: parseGroupList(read.HANGAR_OIDC_PROJECT_CREATOR_GROUPS),
      projects: parseGroupProjects(read.HANGAR_OIDC_GROUP_PROJECTS, "HANGAR_OIDC_GROUP_PROJECTS"),
      ignoreCase: false,
    },
  };
}

function readCa(file: string | undefined): string | null {
  if (!file) return null;
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`HANGAR_LDAP_CA_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

function ldapConfig(env: Env): LdapConfig | null {
  if (!env.HANGAR_LDAP_URL?.trim()) return null;
  const read = parsed(ldapSchema, env);
  const bindDn = read.HANGAR_LDAP_BIND_DN ?? null;
  const userDnTemplate = read.HANGAR_LDAP_USER_DN ?? null;
  const userBase = read.HANGAR_LDAP_USER_BASE ?? null;
  if (!bindDn && !userDnTemplate)
    throw new ConfigError(
      "LDAP needs a way to find users: HANGAR_LDAP_BIND_DN and HANGAR_LDAP_BIND_PASSWORD (search, then bind), or HANGAR_LDAP_USER_DN (bind directly).",
    );
  if (bindDn && !read.HANGAR_LDAP_BIND_PASSWORD) throw new ConfigError("HANGAR_LDAP_BIND_PASSWORD is required with HANGAR_LDAP_BIND_DN.");
  if (bindDn && !userBase) throw new ConfigError("HANGAR_LDAP_USER_BASE is required with HANGAR_LDAP_BIND_DN: it is where users are searched for.");
  if (userDnTemplate && !userDnTemplate.includes("=") && !userBase)
    throw new ConfigError(
      "HANGAR_LDAP_USER_BASE is required when HANGAR_LDAP_USER_DN is not a DN (a user principal name): it is where the user's entry is read.",
    );
  if (read.HANGAR_LDAP_GROUPS === "search" && !read.HANGAR_LDAP_GROUP_BASE)
    throw new ConfigError("HANGAR_LDAP_GROUP_BASE is required with HANGAR_LDAP_GROUPS=search.");
  return {
    url: read.HANGAR_LDAP_URL.replace(/\/$/, ""),
    name: read.HANGAR_LDAP_NAME,
    startTls: read.HANGAR_LDAP_START_TLS,
    ca: readCa(read.HANGAR_LDAP_CA_FILE),
    bindDn,
    bindPassword: bindDn ? (read.HANGAR_LDAP_BIND_PASSWORD ?? null) : null,
    userDnTemplate,
    userBase,
    userFilter: read.HANGAR_LDAP_USER_FILTER,
    emailAttribute: read.HANGAR_LDAP_EMAIL_ATTRIBUTE,
    nameAttribute: read.HANGAR_LDAP_NAME_ATTRIBUTE,
    idAttribute: read.HANGAR_LDAP_ID_ATTRIBUTE,
    groupSource: read.HANGAR_LDAP_GROUPS,
    groupBase: read.HANGAR_LDAP_GROUP_BASE ?? null,
    groupFilter: read.HANGAR_LDAP_GROUP_FILTER,
    groupNameAttribute: read.HANGAR_LDAP_GROUP_NAME_ATTRIBUTE,
    timeoutMs: read.HANGAR_LDAP_TIMEOUT * 1000,
    groups: {
      // DNs hold commas: LDAP lists are separated by semicolons.
      adminGroups: parseGroupList(read.HANGAR_LDAP_ADMIN_GROUPS, /[;\n]/),
      creatorGroups: parseGroupList(read.HANGAR_LDAP_PROJECT_CREATOR_GROUPS, /[;\n]/),
      projects: parseGroupProjects(read.HANGAR_LDAP_GROUP_PROJECTS, "HANGAR_LDAP_GROUP_PROJECTS"),
      ignoreCase: true,
    },
  };
}

/** Reads and checks the sign-in configuration; throws a ConfigError naming the variable, so that a mistake stops the server at start. */
export function parseSsoConfig(env: Env): SsoConfig {
  const oidc = oidcConfig(env);
  const ldap = ldapConfig(env);
  const localPasswords = !env.HANGAR_LOCAL_PASSWORDS?.trim() || parsed(z.object({ HANGAR_LOCAL_PASSWORDS: flag }), env).HANGAR_LOCAL_PASSWORDS;
  if (!localPasswords && !oidc && !ldap)
    throw new ConfigError("HANGAR_LOCAL_PASSWORDS=0 needs a single sign-on to take their place: set HANGAR_OIDC_ISSUER or HANGAR_LDAP_URL.");
  return { oidc, ldap, localPasswords, demoEmail: demoEmail(env) };
}

let fromEnv: SsoConfig | undefined;

/** The sign-in configuration of this process, read from its environment once (scripts/start.ts reads it first, to stop on a mistake). */
export function ssoConfig(): SsoConfig {
  fromEnv ??= parseSsoConfig(process.env);
  return fromEnv;
}
