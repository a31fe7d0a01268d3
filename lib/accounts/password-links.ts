import { recordAudit } from "../audit/record";
import { createHash, randomBytes } from "node:crypto";
import { hashPassword } from "../auth/password";
import { endUserSessions } from "../auth/sessions";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { publicUrl } from "../http/public-url";
import { type Env, readEnv } from "../env";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { parseDuration } from "../units";
import { newPasswordSchema } from "./schemas";

/** The page that sets a password; the token travels in the fragment, which browsers never send to a server or put in a Referer. */
export const SET_PASSWORD_PATH = "/set-password";
export const DEFAULT_LINK_TTL_MS = 7 * 86_400_000;

export type PasswordLinkKind = "invitation" | "reset";

const MAX_LINK_TTL_MS = 90 * 86_400_000;

/** How long a link works (HANGAR_INVITATION_TTL, for invitations and resets alike); a malformed value stops the start. */
export function passwordLinkTtlMs(env: Env = process.env): number {
  const within = (text: string) => {
    const ms = parseDuration(text);
    return ms !== null && ms >= 60_000 && ms <= MAX_LINK_TTL_MS ? ms : undefined;
  };
  return readEnv(env, "HANGAR_INVITATION_TTL", within, DEFAULT_LINK_TTL_MS, "a duration from 1m to 90d, such as 7d");
}

const hashLinkToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export interface IssuedLink {
  /** The whole link, shown once: nothing else can make it again. */
  url: string;
  expiresAt: string;
}

/**
 * Makes a one-time link that sets the user's password, replacing any unused one. Only the SHA-256 of
 * its 256-bit token is stored. Runs inside the transaction of what asked for it (an invitation, a reset).
 */
export async function issuePasswordLink(
  tx: Prisma.TransactionClient,
  link: { userId: string; kind: PasswordLinkKind; createdById: string | null },
  now = new Date(),
): Promise<IssuedLink> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + passwordLinkTtlMs());
  await tx.passwordLink.deleteMany({ where: { userId: link.userId, usedAt: null } });
  await tx.passwordLink.create({ data: { ...link, tokenHash: hashLinkToken(token), createdAt: now, expiresAt } });
  return { url: `${publicUrl()}${SET_PASSWORD_PATH}#${token}`, expiresAt: expiresAt.toISOString() };
}

export interface PasswordLinkView {
  kind: PasswordLinkKind;
  email: string;
  name: string;
  expiresAt: string;
}

const BAD_LINK = "This link is not valid. Check that you copied all of it, or ask an administrator for a new one.";

async function usableLink(db: Db, token: unknown, now: Date) {
  const row =
    typeof token === "string" && token.length > 0 && token.length <= 128
      ? await db.passwordLink.findUnique({ where: { tokenHash: hashLinkToken(token) }, include: { user: true } })
      : null;
  if (!row) return fail("not_found", BAD_LINK);
  if (row.usedAt) return fail("conflict", "This link was used already. Sign in with the password you chose, or ask an administrator for a new link.");
  if (row.expiresAt <= now) return fail("conflict", `This link expired on ${row.expiresAt.toISOString().slice(0, 10)}. Ask an administrator for a new one.`);
  if (row.user.disabledAt) return fail("forbidden", "This account is disabled. Ask an administrator.");
  return ok(row);
}

/** What a link is for, for the page to say whose password it sets before anything is typed. */
export async function inspectPasswordLink(db: Db, token: unknown, now = new Date()): Promise<Result<PasswordLinkView>> {
  const link = await usableLink(db, token, now);
  if (!link.ok) return link;
  const { kind, user, expiresAt } = link.value;
  return ok({ kind: kind === "reset" ? "reset" : "invitation", email: user.email, name: user.name, expiresAt: expiresAt.toISOString() });
}

/**
 * Sets the password a link is for and uses the link up: the account's other unused links go, and so
 * do its sessions (a reset is often about someone else having the account). Two uses racing: one wins.
 */
export async function setPasswordFromLink(db: Db, token: unknown, password: unknown, now = new Date()): Promise<Result<{ email: string }>> {
  const link = await usableLink(db, token, now);
  if (!link.ok) return link;
  const parsed = parseInput(newPasswordSchema, password);
  if (!parsed.ok) return fail("invalid", parsed.error.message, { password: parsed.error.message });
  const { user } = link.value;
  if (parsed.value.trim().toLowerCase() === user.email)
    return fail("invalid", "Choose a password other than your email address.", { password: "Choose a password other than your email address." });
  const passwordHash = await hashPassword(parsed.value);
  const done = await db.$transaction(async (tx) => {
    const used = await tx.passwordLink.updateMany({ where: { id: link.value.id, usedAt: null }, data: { usedAt: now } });
    if (used.count !== 1) return false;
    await tx.passwordLink.deleteMany({ where: { userId: user.id, usedAt: null } });
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await endUserSessions(tx, user.id);
    // The link's holder acts as the account (they are not signed in yet).
    await recordAudit(tx, { id: user.id, email: user.email }, { action: "user.password_set", objectId: user.id, after: { link: link.value.kind } });
    return true;
  });
  if (!done) return fail("conflict", "This link was used already. Sign in with the password you chose, or ask an administrator for a new link.");
  return ok({ email: user.email });
}
