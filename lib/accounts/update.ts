import { changedFields, recordAudit } from "../audit/record";
import { type Actor, parseRole } from "../auth/actor";
import { endUserSessions } from "../auth/sessions";
import type { Db } from "../db/client";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { accountSummary, type AccountSummary, activeAdminCount, findAccountRow } from "./list";
import { type AccountAction, decideAccount } from "./policy";
import { setUserQuota } from "./quota";
import { updateAccountSchema } from "./schemas";

/**
 * An administrator changes an account: its name, its role, its quota, or disables or enables it, in
 * one request that changes all of it or nothing. Disabling ends the account's sessions at once, and
 * its API tokens and sign-ins are refused while it stays disabled (they work again once it is enabled).
 */
export async function updateAccount(db: Db, actor: Actor | null, ref: unknown, input: unknown, now = new Date()): Promise<Result<AccountSummary>> {
  const listed = decideAccount(actor, "view", null);
  if (!listed.ok) return listed;
  const row = await findAccountRow(db, ref);
  if (!row) return fail("not_found", "No such user.");
  const parsed = parseInput(updateAccountSchema, input);
  if (!parsed.ok) return parsed;
  const change = parsed.value;
  const admin = actor as Actor;
  const subject = { id: row.id, role: parseRole(row.role), disabled: row.disabledAt !== null };
  const quotaBytes = change.quotaBytes === undefined ? undefined : change.quotaBytes === null ? null : BigInt(change.quotaBytes);
  const personal = await db.project.findUnique({ where: { personalUserId: row.id }, select: { quotaBytes: true } });
  const actions: AccountAction[] = [
    ...(change.name !== undefined && change.name !== row.name ? (["rename"] as const) : []),
    ...(change.role !== undefined && change.role !== subject.role ? (["set_role"] as const) : []),
    ...(quotaBytes !== undefined && quotaBytes !== (personal?.quotaBytes ?? null) ? (["set_quota"] as const) : []),
    ...(change.disabled === true && !subject.disabled ? (["disable"] as const) : []),
    ...(change.disabled === false && subject.disabled ? (["enable"] as const) : []),
  ];
  const result = await db.$transaction(async (tx) => {
    const admins = await activeAdminCount(tx);
    for (const action of actions) {
      const decision = decideAccount(admin, action, subject, admins);
      if (!decision.ok) return decision;
    }
    const data = {
      ...(actions.includes("rename") ? { name: change.name } : {}),
      ...(actions.includes("set_role") ? { role: change.role } : {}),
      ...(actions.includes("disable") ? { disabledAt: now } : {}),
      ...(actions.includes("enable") ? { disabledAt: null } : {}),
    };
    if (actions.length === 0) return ok(null);
    // A user's quota is their personal project's (lib/accounts/quota.ts).
    if (actions.includes("set_quota")) await setUserQuota(tx, row, quotaBytes ?? null);
    if (Object.keys(data).length > 0) await tx.user.update({ where: { id: row.id }, data });
    if (actions.includes("disable")) await endUserSessions(tx, row.id);
    const before = { name: row.name, role: row.role, disabled: row.disabledAt !== null, quotaBytes: personal?.quotaBytes ?? null };
    const after = {
      name: data.name,
      role: data.role,
      disabled: "disabledAt" in data ? data.disabledAt !== null : undefined,
      quotaBytes: actions.includes("set_quota") ? (quotaBytes ?? null) : undefined,
    };
    const changed = changedFields(before, after);
    if (changed) await recordAudit(tx, admin, { action: "user.update", objectId: row.id, ...changed });
    return ok(null);
  });
  if (!result.ok) return result;
  return accountSummary(db, row.id, now);
}
