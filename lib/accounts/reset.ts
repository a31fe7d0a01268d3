import { recordAudit } from "../audit/record";
import { type Actor, parseRole } from "../auth/actor";
import { endUserSessions } from "../auth/sessions";
import { revokeUserTokens } from "../auth/tokens";
import type { Db } from "../db/client";
import { fail, ok, type Result } from "../result";
import { accountSummary, type AccountSummary, findAccountRow } from "./list";
import { type IssuedLink, issuePasswordLink } from "./password-links";
import { decideAccount } from "./policy";

/**
 * An administrator resets a user's password, for a forgotten password or an account someone else may
 * have: the password stops working, every session and API token of the account ends, and a one-time
 * link (shown once, to hand over) lets the user choose a new password.
 */
export async function resetPassword(db: Db, actor: Actor | null, ref: unknown, now = new Date()): Promise<Result<{ user: AccountSummary; link: IssuedLink }>> {
  const listed = decideAccount(actor, "view", null);
  if (!listed.ok) return listed;
  const row = await findAccountRow(db, ref);
  if (!row) return fail("not_found", "No such user.");
  const allowed = decideAccount(actor, "reset_password", { id: row.id, role: parseRole(row.role), disabled: row.disabledAt !== null });
  if (!allowed.ok) return allowed;
  const admin = actor as Actor;
  const link = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: row.id }, data: { passwordHash: null } });
    const sessionsEnded = await endUserSessions(tx, row.id);
    const tokensRevoked = await revokeUserTokens(tx, row.id, now);
    await recordAudit(tx, admin, { action: "user.password_reset", objectId: row.id, after: { email: row.email, sessionsEnded, tokensRevoked } });
    return issuePasswordLink(tx, { userId: row.id, kind: "reset", createdById: admin.id }, now);
  });
  const summary = await accountSummary(db, row.id, now);
  return summary.ok ? ok({ user: summary.value, link }) : summary;
}
