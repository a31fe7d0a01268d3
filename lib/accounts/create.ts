import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { ensurePersonalProject } from "../projects/personal";
import { accountSummary, type AccountSummary } from "./list";
import { type IssuedLink, issuePasswordLink } from "./password-links";
import { decideAccount } from "./policy";
import { createAccountSchema } from "./schemas";

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2002";

export interface CreatedAccount {
  user: AccountSummary;
  /** The one-time link that sets the password, shown once. */
  invitation: IssuedLink;
}

/**
 * An administrator adds an account and gets an invitation: a one-time link that sets the password,
 * for them to hand over (no mail server is assumed). The account has no password until the link is used.
 */
export async function createAccount(db: Db, actor: Actor | null, input: unknown, now = new Date()): Promise<Result<CreatedAccount>> {
  const allowed = decideAccount(actor, "create", null);
  if (!allowed.ok) return allowed;
  const parsed = parseInput(createAccountSchema, input);
  if (!parsed.ok) return parsed;
  const admin = actor as Actor;
  const { email, name, role, quotaBytes } = parsed.value;
  const taken = () => fail("conflict", `An account with the email ${email} exists already.`, { email: "An account with this email exists already." });
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) return taken();
  try {
    const { user, invitation } = await db.$transaction(async (tx) => {
      const created = await tx.user.create({ data: { email, name, role, createdAt: now } });
      const quota = quotaBytes === undefined || quotaBytes === null ? null : BigInt(quotaBytes);
      await ensurePersonalProject(tx, created, quota);
      await recordAudit(tx, admin, { action: "user.create", objectId: created.id, after: { email, name, role, quotaBytes: quota } });
      return { user: created, invitation: await issuePasswordLink(tx, { userId: created.id, kind: "invitation", createdById: admin.id }, now) };
    });
    const summary = await accountSummary(db, user.id, now);
    return summary.ok ? ok({ user: summary.value, invitation }) : summary;
  } catch (error) {
    // Another administrator added the same email meanwhile.
    if (isUniqueViolation(error)) return taken();
    throw error;
  }
}
