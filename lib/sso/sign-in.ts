import { recordFailedSignIn } from "../audit/record";
import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import { attemptSucceeded, refusalMessage, reserveAttempt, throttleKeys } from "../auth/throttle";
import { fail, ok, type Result } from "../result";
import type { LdapConfig, OidcConfig, SsoConfig } from "./config";
import { DirectoryUnavailable, ldapAuthenticate } from "./ldap";
import { ssoProfileOf } from "./oidc";
import { type ProvisionResult, provisionSsoUser } from "./provision";

export const WRONG_DIRECTORY_PASSWORD = "Wrong user name or password.";
export const DIRECTORY_DOWN = "The directory did not answer. Try again in a minute; tell your administrator if it keeps failing.";

/**
 * A user name and password checked against the directory, throttled like a local sign-in (under the
 * name, with an ldap: prefix, and the client's address), then the account provisioned from the entry.
 * The directory being down is said so (it is not the user's fault) and logged with its cause.
 */
export async function signInWithLdap(
  db: Db,
  config: LdapConfig,
  attempt: { username: string; password: string; clientAddress: string | null },
  now = new Date(),
): Promise<Result<Actor>> {
  const keys = throttleKeys(`ldap:${attempt.username}`, attempt.clientAddress);
  const failed = (reason: string) => recordFailedSignIn(db, { email: attempt.username, clientAddress: attempt.clientAddress, method: "ldap", reason });
  const refusal = await reserveAttempt(db, keys, now);
  if (refusal) {
    await failed("throttled");
    return fail("unauthenticated", refusalMessage(refusal, now));
  }
  let entry;
  try {
    entry = await ldapAuthenticate(config, attempt.username.trim(), attempt.password);
  } catch (error) {
    if (!(error instanceof DirectoryUnavailable)) throw error;
    console.error(`ldap: ${config.url}: ${error.message}`);
    await failed("directory_unavailable");
    return fail("unavailable", DIRECTORY_DOWN);
  }
  if (!entry) {
    await failed("wrong_password");
    return fail("unauthenticated", WRONG_DIRECTORY_PASSWORD);
  }
  await attemptSucceeded(db, keys);
  const profile = { source: "ldap" as const, externalId: entry.id, email: entry.email, emailVerified: true, name: entry.name, groups: entry.groups };
  const provisioned = await provisionSsoUser(db, profile, { groups: config.groups, trustEmail: true }, now);
  if (!provisioned.ok) await failed(provisioned.refusal);
  return provisioned;
}

/** The claims an OpenID Connect provider sent (checked by next-auth and openid-client), provisioned as an account. */
export async function signInWithOidc(
  db: Db,
  config: OidcConfig,
  claims: Record<string, unknown>,
  clientAddress: string | null = null,
  now = new Date(),
): Promise<ProvisionResult> {
  const profile = ssoProfileOf(config, claims);
  const provisioned = await provisionSsoUser(db, profile, { groups: config.groups, trustEmail: config.trustEmail }, now);
  if (!provisioned.ok) await recordFailedSignIn(db, { email: profile.email ?? profile.externalId, clientAddress, method: "oidc", reason: provisioned.refusal });
  return provisioned;
}

/**
 * With local passwords off (HANGAR_LOCAL_PASSWORDS=0), a password that was right signs in an
 * administrator only (the way in when the identity provider is down), and the demo account when
 * HANGAR_DEMO made one. Everyone else is sent to the single sign-on (said only to someone who knew
 * the password, as the disabled account is).
 */
export function localPasswordAllowed(config: SsoConfig, actor: Actor): Result<Actor> {
  if (config.localPasswords || actor.role === "admin" || actor.email === config.demoEmail) return ok(actor);
  const ways = [config.oidc ? config.oidc.name : null, config.ldap ? config.ldap.name : null].filter(Boolean).join(" or ");
  return fail("forbidden", `Local passwords are turned off: sign in with ${ways}.`);
}
