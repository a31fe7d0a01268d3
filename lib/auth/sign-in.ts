import { recordFailedSignIn } from "../audit/record";
import type { Db } from "../db/client";
import { fail, ok, type Result } from "../result";
import type { Actor } from "./actor";
import { markReauthenticated, RECENT_SIGN_IN_MS, type Session, signedInRecently } from "./sessions";
import { attemptSucceeded, refusalMessage, reserveAttempt, throttleKeys } from "./throttle";
import { checkLocalPassword } from "./users";

export interface PasswordAttempt {
  email: string;
  password: string;
  /** The client's address (lib/http/request-context.ts), or null when unknown. */
  clientAddress: string | null;
}

export const WRONG_PASSWORD = "Wrong email or password.";
export const DISABLED_ACCOUNT = "This account is disabled. Ask an administrator.";

/**
 * Checks an email and password, throttled per account and per client address (lib/auth/throttle.ts):
 * a refused attempt says when to try again and checks no password, so a guesser learns nothing even
 * when the guess is right. An unknown email, an account without a password yet and a wrong password
 * get the same answer; a disabled account is said so only to someone who knows its password.
 */
export async function checkPassword(db: Db, attempt: PasswordAttempt, now = new Date(), wrong = WRONG_PASSWORD): Promise<Result<Actor>> {
  const keys = throttleKeys(attempt.email, attempt.clientAddress);
  const failed = (reason: string) => recordFailedSignIn(db, { email: attempt.email, clientAddress: attempt.clientAddress, method: "password", reason });
  const refusal = await reserveAttempt(db, keys, now);
  if (refusal) {
    await failed("throttled");
    return fail("unauthenticated", refusalMessage(refusal, now), { password: refusalMessage(refusal, now) });
  }
  const checked = await checkLocalPassword(db, attempt.email, attempt.password);
  if (checked.outcome !== "ok") await failed(checked.outcome === "disabled" ? "disabled" : "wrong_password");
  if (checked.outcome === "disabled") return fail("unauthenticated", DISABLED_ACCOUNT, { password: DISABLED_ACCOUNT });
  if (checked.outcome !== "ok") return fail("unauthenticated", wrong, { password: wrong });
  await attemptSucceeded(db, keys);
  return ok(checked.actor);
}

const RECENT_MINUTES = RECENT_SIGN_IN_MS / 60_000;

/**
 * For what a stolen session must not be enough for (creating an API token): the password entered
 * within the last 15 minutes, at sign-in or now, where it is checked and throttled like a sign-in.
 * A failure names the password field, for the form to ask for it. An account without a Hangar
 * password (single sign-on) is asked to sign in again instead.
 */
export async function confirmRecentSignIn(db: Db, session: Session, password: unknown, clientAddress: string | null, now = new Date()): Promise<Result<null>> {
  if (signedInRecently(session, now)) return ok(null);
  // An account from a single sign-on has no Hangar password to enter: a new sign-in is its proof.
  const local = await db.user.findUnique({ where: { id: session.actor.id }, select: { passwordHash: true } });
  if (!local?.passwordHash) {
    const message = `You signed in more than ${RECENT_MINUTES} minutes ago: sign out and sign in again to continue.`;
    return fail("unauthenticated", message, { password: message });
  }
  if (typeof password !== "string" || password === "") {
    const message = `You signed in more than ${RECENT_MINUTES} minutes ago: enter your password again to continue.`;
    return fail("unauthenticated", message, { password: message });
  }
  const checked = await checkPassword(db, { email: session.actor.email, password, clientAddress }, now, "That is not your password.");
  if (!checked.ok) return checked;
  await markReauthenticated(db, session, now);
  return ok(null);
}
