import { recordAudit, type AuditWho } from "../audit/record";
import type { Actor, Role } from "../auth/actor";
import type { Db } from "../db/client";
import type { Prisma, User } from "../db/generated/client";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { ssoConfig } from "../sso/config";
import { accountSummaries, type AccountSummary } from "./list";
import { type IssuedLink, issuePasswordLink } from "./password-links";
import { decideAccount } from "./policy";
import { createAccountSchema } from "./schemas";

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  quotaBytes?: number | null;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2002";

/**
 * The one way an account comes to exist outside the seed (an invitation, a first single sign-on),
 * inside the caller's transaction, recorded in the audit trail.
 */
export async function insertUser(tx: Prisma.TransactionClient, user: NewUser, who: Actor | AuditWho, now = new Date()): Promise<User> {
  const row = await tx.user.create({
    data: { email: user.email, name: user.name, role: user.role, personalQuotaBytes: user.quotaBytes ?? null, createdAt: now },
  });
  // INTEGRATION POINT (projects): the user's personal project is created here, in this transaction.
  await recordAudit(
    tx,
    who,
    {
      action: "user.create",
      object: { id: row.id, label: row.email },
      after: { email: row.email, name: row.name, role: row.role, quotaBytes: row.personalQuotaBytes },
    },
    now,
  );
  return row;
}

export interface CreatedAccount {
  user: AccountSummary;
  /** The one-time link that sets the password, shown once; null when local passwords are off and the person signs in through SSO. */
  invitation: IssuedLink | null;
}

/**
 * An administrator adds an account and gets an invitation: a one-time link that sets the password,
 * for them to hand over (no mail server is assumed). With local passwords off (only administrators
 * keep one), a user's account waits for its first single sign-on under the same email.
 */
export async function createAccount(
  db: Db,
  actor: Actor | null,
  input: unknown,
  now = new Date(),
  localPasswords = ssoConfig().localPasswords,
): Promise<Result<CreatedAccount>> {
  const allowed = decideAccount(actor, "create", null);
  if (!allowed.ok) return allowed;
  const parsed = parseInput(createAccountSchema, input);
  if (!parsed.ok) return parsed;
  const admin = actor as Actor;
  const wanted = parsed.value;
  if (await db.user.findUnique({ where: { email: wanted.email }, select: { id: true } }))
    return fail("conflict", `An account with the email ${wanted.email} exists already.`, { email: "An account with this email exists already." });
  try {
    const { user, invitation } = await db.$transaction(async (tx) => {
      const created = await insertUser(tx, wanted, admin, now);
      const link =
        localPasswords === "on" || wanted.role === "admin"
          ? await issuePasswordLink(tx, { userId: created.id, kind: "invitation", createdById: admin.id }, now)
          : null;
      return { user: created, invitation: link };
    });
    const [summary] = await accountSummaries(db, [user.id], now);
    return ok({ user: summary as AccountSummary, invitation });
  } catch (error) {
    // Another administrator added the same email meanwhile.
    if (isUniqueViolation(error))
      return fail("conflict", `An account with the email ${wanted.email} exists already.`, { email: "An account with this email exists already." });
    throw error;
  }
}
