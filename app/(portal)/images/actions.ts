"use server";

import { revalidatePath } from "next/cache";
import { currentActor } from "@/lib/auth/session";
import { deleteImage, renameImage, setDeprecated, updateImageProperties } from "@/lib/catalog/mutations";
import { publishImage } from "@/lib/catalog/publish";
import { type ImageProgress, imageProgress } from "@/lib/catalog/queries";
import { registerPlatformImage } from "@/lib/catalog/register";
import { catalogDeps } from "@/lib/catalog/runtime";
import type { Result } from "@/lib/result";
import { z } from "zod";

export type ActionResult = { ok: true } | { ok: false; message: string; fields?: Record<string, string> };

// Actions only translate: the domain parses the input with zod and decides who may do what.
async function run(action: Promise<Result<unknown>>): Promise<ActionResult> {
  const result = await action;
  if (!result.ok) return { ok: false, message: result.error.message, fields: result.error.fields };
  revalidatePath("/images", "layout");
  revalidatePath("/admin");
  return { ok: true };
}

export async function renameAction(id: string, name: string): Promise<ActionResult> {
  return run(renameImage(catalogDeps(), await currentActor(), id, name));
}

export async function updatePropertiesAction(id: string, input: unknown): Promise<ActionResult> {
  return run(updateImageProperties(catalogDeps(), await currentActor(), id, input));
}

export async function deleteAction(id: string): Promise<ActionResult> {
  return run(deleteImage(catalogDeps(), await currentActor(), id));
}

export async function deprecateAction(id: string, deprecated: boolean): Promise<ActionResult> {
  return run(setDeprecated(catalogDeps(), await currentActor(), id, deprecated));
}

export async function publishAction(id: string, name: string): Promise<ActionResult> {
  return run(publishImage(catalogDeps(), await currentActor(), id, name));
}

export async function registerAction(input: { fileName: string; name: string; properties?: unknown }): Promise<ActionResult> {
  return run(registerPlatformImage(catalogDeps(), await currentActor(), input));
}

const idsSchema = z.array(z.string().max(64)).max(100);

/** Status and validation progress of images the upload tray follows; reads only. */
export async function imageProgressAction(ids: unknown): Promise<ImageProgress[]> {
  const parsed = idsSchema.safeParse(ids);
  if (!parsed.success) return [];
  const result = await imageProgress(catalogDeps(), await currentActor(), parsed.data);
  return result.ok ? result.value : [];
}
