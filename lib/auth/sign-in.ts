import { recordAudit, signingIn } from "../audit/record";
import type { Db } from "../db/client";
import { fail, ok, type Result } from "../result";
import { type SsoConfig, ssoConfig } from "../sso/config";
import { DirectoryUnavailable, ldapAuthenticate } from "../sso/ldap";
import { provisionSsoUser } from "../sso/provision";
import type { Actor } from "./actor";
import { markReauthenticated, RECENT_SIGN_IN_MS, type Session, signedInRecently } from "./sessions";
import { attemptSucceeded, refusalMessage, reserveAttempt, throttleKeys } from "./throttle";
import { checkLocalPassword } from "./users";

export interface PasswordAttempt {
  /** An email, or for the directory a user name. */
  email: string;
  password: string;
  /** The client's address (lib/http/request-context.ts), or null when unknown. */
  clientAddress: string | null;
}

export const WRONG_PASSWORD = "Wrong email or password.";
const DISABLED = "This account is disabled. Ask an administrator.";

/** Who a password proved to be, and against what: Hangar's own password or the directory's. */
export interface PasswordSignIn {
  actor: Actor;
  method: "password" | "ldap";
}

export interface CheckOptions {
  /** Only Hangar's own password (changing it): the directory's is not Hangar's to check here. */
  localOnly?: boolean;
  config?: SsoConfig;
}

type Checked = Result<PasswordSignIn> & { reason?: string; userId?: string | null };

const refused = (message: string, reason: string, userId: string | null = null, code: "unauthenticated" | "unavailable" = "unauthenticated"): Checked => ({
  ...fail(code, message, { password: message }),
  reason,
  userId,
});

/** A password against Hangar's accounts, then the directory when Hangar has no password for the name. */
async function verify(db: Db, attempt: PasswordAttempt, wrong: string, options: CheckOptions): Promise<Checked> {
  const config = options.config ?? ssoConfig();
  const local = await checkLocalPassword(db, attempt.email, attempt.password);
  if (local.outcome === "ok") {
    // Local passwords off: administrators keep theirs, the way in when the identity provider is down.
    if (config.localPasswords === "off" && local.actor.role !== "admin")
      return refused("Sign in with single sign-on: passwords kept by Hangar are turned off.", "local_passwords_off", local.actor.id);
    return ok({ actor: local.actor, method: "password" });
  }
  if (local.outcome === "disabled") return refused(DISABLED, "disabled", local.userId);
  if (local.outcome === "wrong" || !config.ldap || options.localOnly) return refused(wrong, "wrong_password", local.userId);
  let entry;
  try {
    entry = await ldapAuthenticate(config.ldap, attempt.email.trim(), attempt.password);
  } catch (error) {
    if (!(error instanceof DirectoryUnavailable)) throw error;
    console.error(`LDAP sign-in: ${error.message}`);
    return refused(
      "The directory cannot be reached right now. Try again in a moment, or tell your administrator.",
      "directory_unavailable",
      null,
      "unavailable",
    );
  }
  if (!entry) return refused(wrong, "wrong_password", local.userId);
  const provisioned = await provisionSsoUser(
    db,
    {
      provider: "ldap",
      issuer: config.ldap.userBase ?? config.ldap.userDnTemplate ?? config.ldap.url,
      subject: entry.id,
      email: entry.email,
      emailVerified: true,
      name: entry.name,
      groups: entry.groups,
    },
    { groups: config.ldap.groups, trustEmail: true, clientAddress: attempt.clientAddress },
  );
  if (!provisioned.ok) return refused(provisioned.error.message, "directory_account_refused", local.userId);
  return ok({ actor: provisioned.value, method: "ldap" });
}

/**
 * Checks an email (or a directory user name) and password, throttled per account and per client
 * address (lib/auth/throttle.ts): a refused attempt says when to try again and checks no password, so
 * a guesser learns nothing even when the guess is right. An unknown email and a wrong password get the
 * same answer. The directory's passwords (LDAP) are throttled the same way. A failure that checked a
 * password is recorded in the audit trail; a throttled one is not (it cost nothing and says nothing).
 */
export async function checkPassword(
  db: Db,
  attempt: PasswordAttempt,
  now = new Date(),
  wrong = WRONG_PASSWORD,
  options: CheckOptions = {},
): Promise<Result<PasswordSignIn>> {
  const keys = throttleKeys(attempt.email, attempt.clientAddress);
  const refusal = await reserveAttempt(db, keys, now);
  if (refusal) return fail("unauthenticated", refusalMessage(refusal, now), { password: refusalMessage(refusal, now) });
  const checked = await verify(db, attempt, wrong, options);
  if (checked.ok) {
    await attemptSucceeded(db, keys);
    return checked;
  }
  await recordAudit(
    db,
    signingIn("password", attempt.email.trim().toLowerCase(), attempt.clientAddress, checked.userId ? { id: checked.userId } : null),
    {
      action: "session.sign_in_failed",
      outcome: "failure",
      object: { id: checked.userId ?? null, label: attempt.email.trim().toLowerCase() },
      after: { reason: checked.reason },
    },
    now,
  );
  return fail(checked.error.code, checked.error.message, checked.error.fields);
}

const RECENT_MINUTES = RECENT_SIGN_IN_MS / 60_000;

/**
 * For what a stolen session must not be enough for (creating an API token): the password entered
 * within the last 15 minutes, at sign-in or now, where it is checked and throttled like a sign-in.
 * A failure names the password field, for the form to ask for it.
 */
export async function confirmRecentSignIn(db: Db, session: Session, password: unknown, clientAddress: string | null, now = new Date()): Promise<Result<null>> {
  if (signedInRecently(session, now)) return ok(null);
  if (session.method === "oidc") {
    const message = `You signed in through single sign-on more than ${RECENT_MINUTES} minutes ago: sign out and sign in again to continue.`;
    return fail("unauthenticated", message, { password: message });
  }
  if (typeof password !== "string" || password === "") {
    const message = `You signed in more than ${RECENT_MINUTES} minutes ago: enter your password again to continue.`;
    return fail("unauthenticated", message, { password: message });
  }
  const checked = await checkPassword(db, { email: session.actor.email, password, clientAddress }, now, "That is not your password.");
  if (!checked.ok) return checked;
  if (checked.value.actor.id !== session.actor.id) return fail("unauthenticated", "That is not your password.", { password: "That is not your password." });
  await markReauthenticated(db, session, now);
  return ok(null);
}
