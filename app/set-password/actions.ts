"use server";

import { inspectPasswordLink, type PasswordLinkView, setPasswordFromLink } from "@/lib/accounts/password-links";
import { db } from "@/lib/db/client";

export type LinkCheck = { ok: true; link: PasswordLinkView } | { ok: false; message: string };
export type SetPasswordResult = { ok: true; email: string } | { ok: false; message: string; fields?: Record<string, string> };

/** Whose password a link sets, for the page to say so before anything is typed; the token stays in the page's fragment. */
export async function inspectLinkAction(token: unknown): Promise<LinkCheck> {
  const result = await inspectPasswordLink(db(), token);
  return result.ok ? { ok: true, link: result.value } : { ok: false, message: result.error.message };
}

/** Sets the password and uses the link up; the page then signs in with it. */
export async function setPasswordAction(token: unknown, password: unknown): Promise<SetPasswordResult> {
  const result = await setPasswordFromLink(db(), token, password);
  return result.ok ? { ok: true, email: result.value.email } : { ok: false, message: result.error.message, fields: result.error.fields };
}
