"use server";

import { revalidatePath } from "next/cache";
import { currentActor } from "@/lib/auth/session";
import { createToken, revokeToken, type TokenSummary } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";
import { idSchema, parseInput } from "@/lib/parse";
import type { ActionResult } from "../images/actions";

export type CreateTokenResult = { ok: true; secret: string; token: TokenSummary } | { ok: false; message: string; fields?: Record<string, string> };

// createToken parses its input with zod (createTokenSchema) and reports a message per field.
// Token management takes the browser session only (currentActor): a token cannot mint or revoke tokens.
export async function createTokenAction(input: { name: string; expiresInDays: string }): Promise<CreateTokenResult> {
  const result = await createToken(db(), await currentActor(), input);
  if (!result.ok) return { ok: false, message: result.error.message, fields: result.error.fields };
  revalidatePath("/settings");
  return { ok: true, ...result.value };
}

const tokenIdSchema = idSchema("a token");

export async function revokeTokenAction(id: string): Promise<ActionResult> {
  const parsed = parseInput(tokenIdSchema, id);
  if (!parsed.ok) return { ok: false, message: parsed.error.message };
  const result = await revokeToken(db(), await currentActor(), parsed.value);
  if (!result.ok) return { ok: false, message: result.error.message };
  revalidatePath("/settings");
  return { ok: true };
}
