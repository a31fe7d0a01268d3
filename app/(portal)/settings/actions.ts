"use server";

import { revalidatePath } from "next/cache";
import { changeOwnPassword } from "@/lib/accounts/change-password";
import { currentClientAddress, currentSession } from "@/lib/auth/session";
import { endAllOwnSessions, endOwnSession } from "@/lib/auth/sessions";
import { confirmRecentSignIn } from "@/lib/auth/sign-in";
import { createToken, revokeToken, type TokenSummary } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";
import { idSchema, parseInput } from "@/lib/parse";
import type { ActionResult } from "../images/actions";

export type CreateTokenResult =
  { ok: true; secret: string; token: TokenSummary } | { ok: false; message: string; fields?: Record<string, string>; reauthenticate?: boolean };

const SIGN_IN_FIRST = "Your session has ended: sign in again.";

// createToken parses its input with zod (createTokenSchema) and reports a message per field.
// Token management takes the browser session only: a token cannot mint or revoke tokens. Creating one
// also needs the password entered in the last 15 minutes, so that a stolen session cookie cannot mint
// a token that outlives it.
export async function createTokenAction(input: {
  name: string;
  expiresInDays: string;
  projectId?: string;
  scope?: string;
  password?: string;
}): Promise<CreateTokenResult> {
  const session = await currentSession();
  if (!session) return { ok: false, message: SIGN_IN_FIRST };
  // Any client can call an action with anything: the password is taken out, the rest is createToken's to check.
  const raw: unknown = input;
  const { password, ...token } = (raw !== null && typeof raw === "object" ? raw : {}) as { password?: unknown };
  const recent = await confirmRecentSignIn(db(), session, password, await currentClientAddress());
  if (!recent.ok) return { ok: false, message: recent.error.message, fields: recent.error.fields, reauthenticate: true };
  const result = await createToken(db(), session.actor, token);
  if (!result.ok) return { ok: false, message: result.error.message, fields: result.error.fields };
  revalidatePath("/settings");
  return { ok: true, ...result.value };
}

const tokenIdSchema = idSchema("a token");

export async function revokeTokenAction(id: string): Promise<ActionResult> {
  const parsed = parseInput(tokenIdSchema, id);
  if (!parsed.ok) return { ok: false, message: parsed.error.message };
  const result = await revokeToken(db(), (await currentSession())?.actor ?? null, parsed.value);
  if (!result.ok) return { ok: false, message: result.error.message };
  revalidatePath("/settings");
  return { ok: true };
}

/** Ends every session of the signed-in user, this one included; API tokens keep working. */
export async function signOutEverywhereAction(): Promise<ActionResult> {
  const session = await currentSession();
  if (!session) return { ok: false, message: SIGN_IN_FIRST };
  await endAllOwnSessions(db(), session.actor);
  return { ok: true };
}

const sessionIdSchema = idSchema("a session");

/** Ends one of the signed-in user's other sessions (another browser, a lost phone). */
export async function endSessionAction(id: string): Promise<ActionResult> {
  const parsed = parseInput(sessionIdSchema, id);
  if (!parsed.ok) return { ok: false, message: parsed.error.message };
  const result = await endOwnSession(db(), (await currentSession())?.actor ?? null, parsed.value);
  if (!result.ok) return { ok: false, message: result.error.message };
  revalidatePath("/settings");
  return { ok: true };
}

/** Changes the signed-in user's password; the domain checks the current one and ends every other session. */
export async function changePasswordAction(input: { current: string; password: string }): Promise<ActionResult> {
  const result = await changeOwnPassword(db(), await currentSession(), input, await currentClientAddress());
  if (!result.ok) return { ok: false, message: result.error.message, fields: result.error.fields };
  revalidatePath("/settings");
  return { ok: true };
}
