"use server";

import { revalidatePath } from "next/cache";
import { createAccount } from "@/lib/accounts/create";
import { deleteAccount } from "@/lib/accounts/delete";
import type { IssuedLink } from "@/lib/accounts/password-links";
import { resetPassword } from "@/lib/accounts/reset";
import { accountIdSchema } from "@/lib/accounts/schemas";
import { updateAccount } from "@/lib/accounts/update";
import { currentActor } from "@/lib/auth/session";
import { catalogDeps } from "@/lib/catalog/runtime";
import { db } from "@/lib/db/client";
import { parseInput } from "@/lib/parse";
import type { DomainError } from "@/lib/result";
import type { ActionResult } from "../../images/actions";

/** An action that made a one-time password link: shown once, by the dialog that asked. */
export type LinkResult = { ok: true; link: IssuedLink } | { ok: false; message: string; fields?: Record<string, string> };

const failure = (error: DomainError) => ({ ok: false as const, message: error.message, fields: error.fields });

// The domain parses every argument and decides who may do what: these only translate.
function changed() {
  revalidatePath("/admin/users");
}

export async function createUserAction(input: unknown): Promise<LinkResult> {
  const result = await createAccount(db(), await currentActor(), input);
  if (!result.ok) return failure(result.error);
  changed();
  return { ok: true, link: result.value.invitation };
}

export async function updateUserAction(id: string, input: unknown): Promise<ActionResult> {
  const parsed = parseInput(accountIdSchema, id);
  if (!parsed.ok) return failure(parsed.error);
  const result = await updateAccount(db(), await currentActor(), parsed.value, input);
  if (!result.ok) return failure(result.error);
  changed();
  return { ok: true };
}

export async function resetPasswordAction(id: string): Promise<LinkResult> {
  const parsed = parseInput(accountIdSchema, id);
  if (!parsed.ok) return failure(parsed.error);
  const result = await resetPassword(db(), await currentActor(), parsed.value);
  if (!result.ok) return failure(result.error);
  changed();
  return { ok: true, link: result.value.link };
}

export async function deleteUserAction(id: string, input: unknown): Promise<ActionResult> {
  const parsed = parseInput(accountIdSchema, id);
  if (!parsed.ok) return failure(parsed.error);
  const result = await deleteAccount(catalogDeps(), await currentActor(), parsed.value, input);
  if (!result.ok) return failure(result.error);
  changed();
  revalidatePath("/admin");
  return { ok: true };
}
