import type { Actor, Role } from "../auth/actor";
import { scopeRefusal } from "../catalog/access";
import { judgeAccounts } from "../catalog/policy";
import { fail, ok, type Result } from "../result";

/** What administrators do to accounts. */
export type AccountAction = "list" | "view" | "create" | "rename" | "set_role" | "set_quota" | "disable" | "enable" | "reset_password" | "delete";

/** The account an action is about, as far as the policy cares. */
export interface AccountSubject {
  id: string;
  role: Role;
  disabled: boolean;
}

/** Actions that only read accounts: a read-only or upload-only token of an administrator may take them. */
const READS: ReadonlySet<AccountAction> = new Set(["list", "view"]);

/** Actions that would leave the portal without an administrator when done to the last active one. */
const REMOVES_AN_ADMIN: ReadonlySet<AccountAction> = new Set(["set_role", "disable", "delete"]);
/** Actions an administrator may not take on their own account: they would lock themselves out by mistake. */
const NOT_ON_ONESELF: ReadonlySet<AccountAction> = new Set(["set_role", "disable", "delete", "reset_password"]);

const ONESELF: Partial<Record<AccountAction, string>> = {
  set_role: "You cannot change your own role: ask another administrator.",
  disable: "You cannot disable your own account.",
  delete: "You cannot delete your own account: ask another administrator.",
  reset_password: "Change your own password on Settings.",
};

/**
 * Who may do what to accounts, in one place: administrators (within their token's scope, lib/catalog/policy.ts), to anyone but themselves for what would
 * lock them out, and never to the last active administrator for what would leave none. `activeAdmins`
 * is the number of enabled administrator accounts now (asked only when it matters).
 */
export function decideAccount(actor: Actor | null, action: AccountAction, subject: AccountSubject | null, activeAdmins = Infinity): Result<null> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const judgement = judgeAccounts(actor, READS.has(action) ? "view_accounts" : "manage_accounts");
  if (judgement.decision !== "allow")
    return fail("forbidden", judgement.refusal === "scope" ? scopeRefusal(actor) : "Only administrators can manage accounts.");
  if (!subject) return ok(null);
  if (subject.id === actor.id && NOT_ON_ONESELF.has(action)) return fail("forbidden", ONESELF[action] ?? "Not on your own account.");
  if (REMOVES_AN_ADMIN.has(action) && subject.role === "admin" && !subject.disabled && activeAdmins <= 1)
    return fail("conflict", "This is the last active administrator: make another account an administrator first.");
  return ok(null);
}
