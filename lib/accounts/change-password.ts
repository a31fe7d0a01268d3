import { recordAudit } from "../audit/record";
import { z } from "zod";
import { hashPassword } from "../auth/password";
import { endUserSessions, type Session } from "../auth/sessions";
import { checkPassword } from "../auth/sign-in";
import type { Db } from "../db/client";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { newPasswordSchema } from "./schemas";

const changeSchema = z.object({ current: z.string({ error: "Enter your current password." }).max(1024), password: newPasswordSchema }).strict();

/**
 * A user changes their own password (Settings): the current one is checked like a sign-in (throttled),
 * the new one must be a good one, and every other session of the account ends, so that whoever had the
 * old password is out. API tokens stay: they are revoked one by one, on the same page.
 */
export async function changeOwnPassword(
  db: Db,
  session: Session | null,
  input: unknown,
  clientAddress: string | null,
  now = new Date(),
): Promise<Result<{ sessionsEnded: number }>> {
  if (!session) return fail("unauthenticated", "Your session has ended: sign in again.");
  const { actor } = session;
  const parsed = parseInput(changeSchema, input);
  if (!parsed.ok) return parsed;
  const { current, password } = parsed.value;
  const checked = await checkPassword(db, { email: actor.email, password: current, clientAddress }, now, "That is not your current password.");
  if (!checked.ok) return fail(checked.error.code, checked.error.message, { current: checked.error.message });
  if (password === current)
    return fail("invalid", "Choose a password other than your current one.", { password: "Choose a password other than your current one." });
  if (password.trim().toLowerCase() === actor.email)
    return fail("invalid", "Choose a password other than your email address.", { password: "Choose a password other than your email address." });
  const passwordHash = await hashPassword(password);
  const sessionsEnded = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.id }, data: { passwordHash } });
    const ended = await endUserSessions(tx, actor.id, session.id);
    await recordAudit(tx, actor, { action: "user.password_change", objectId: actor.id, after: { sessionsEnded: ended } });
    return ended;
  });
  return ok({ sessionsEnded });
}
