"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { currentActor } from "@/lib/auth/session";
import type { CatalogDeps } from "@/lib/catalog/deps";
import { setDeprecation } from "@/lib/catalog/deprecation";
import { familyDefaults } from "@/lib/catalog/families";
import { VISIBILITIES } from "@/lib/catalog/image";
import { deleteImage, renameImage, setDeprecated, updateImageProperties } from "@/lib/catalog/mutations";
import { publishImage } from "@/lib/catalog/publish";
import { registerPlatformImage } from "@/lib/catalog/register";
import { catalogDeps } from "@/lib/catalog/runtime";
import { deprecatedSchema, imageIdSchema, imageNameSchema, registerInputSchema } from "@/lib/catalog/schemas";
import { idSchema, parseInput } from "@/lib/parse";
import { listImageShares, type Share, shareImage, shareTargets, unshareImage } from "@/lib/projects/shares";
import type { DomainError, Result } from "@/lib/result";

export type ActionResult = { ok: true } | { ok: false; message: string; fields?: Record<string, string> };

const failure = (error: DomainError): ActionResult => ({ ok: false, message: error.message, fields: error.fields });

/**
 * Actions only parse and translate; the domain decides who may do what. A
 * server action is a public endpoint that any client can call with any JSON
 * for its arguments, whatever the TypeScript signature says, so each one
 * parses its arguments before anything runs.
 */
async function run<A>(args: Result<A>, act: (deps: CatalogDeps, actor: Actor | null, args: A) => Promise<Result<unknown>>): Promise<ActionResult> {
  if (!args.ok) return failure(args.error);
  const result = await act(catalogDeps(), await currentActor(), args.value);
  if (!result.ok) return failure(result.error);
  revalidatePath("/images", "layout");
  revalidatePath("/admin");
  return { ok: true };
}

const idArgs = z.object({ id: imageIdSchema });
const namedArgs = idArgs.extend({ name: imageNameSchema });
// The properties are parsed by the domain, which reports a message per field.
const propertiesArgs = idArgs.extend({ input: z.unknown() });
const deprecateArgs = idArgs.extend({ deprecated: deprecatedSchema });

export async function renameAction(id: string, name: string): Promise<ActionResult> {
  return run(parseInput(namedArgs, { id, name }), (deps, actor, args) => renameImage(deps, actor, args.id, args.name));
}

export async function updatePropertiesAction(id: string, input: unknown): Promise<ActionResult> {
  return run(parseInput(propertiesArgs, { id, input }), (deps, actor, args) => updateImageProperties(deps, actor, args.id, args.input));
}

export async function deleteAction(id: string): Promise<ActionResult> {
  return run(parseInput(idArgs, { id }), (deps, actor, args) => deleteImage(deps, actor, args.id));
}

export async function deprecateAction(id: string, deprecated: boolean): Promise<ActionResult> {
  return run(parseInput(deprecateArgs, { id, deprecated }), (deps, actor, args) => setDeprecated(deps, actor, args.id, args.deprecated));
}

export async function setDeprecationAction(id: string, input: unknown): Promise<ActionResult> {
  return run(parseInput(propertiesArgs, { id, input }), (deps, actor, args) => setDeprecation(deps, actor, args.id, args.input));
}

const familyArgs = z.object({ family: z.string().max(200), visibility: z.enum(VISIBILITIES), projectId: z.string().max(64).nullable() });

/** The properties a new version of a family starts from in the upload dialog (the server applies the same ones to what is left empty). */
export async function familyDefaultsAction(family: string, visibility: string, projectId: string | null = null): Promise<Record<string, string> | null> {
  const args = parseInput(familyArgs, { family, visibility, projectId });
  if (!args.ok) return null;
  const previous = await familyDefaults(catalogDeps(), await currentActor(), args.value.family, args.value.visibility, args.value.projectId);
  if (!previous.ok || !previous.value) return null;
  const { description, minMemoryMiB, minDiskGiB, osType, osDistro, osVersion, architecture, firmware, version } = previous.value;
  const values = { description, minMemoryMiB, minDiskGiB, osType, osDistro, osVersion, architecture, firmware, previousVersion: version };
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value === null ? "" : String(value)]));
}

export async function publishAction(id: string, name: string): Promise<ActionResult> {
  return run(parseInput(namedArgs, { id, name }), (deps, actor, args) => publishImage(deps, actor, args.id, args.name));
}

export async function registerAction(input: { fileName: string; name: string; properties?: unknown }): Promise<ActionResult> {
  return run(parseInput(registerInputSchema, input), (deps, actor, args) => registerPlatformImage(deps, actor, args));
}
const shareArgs = idArgs.extend({ target: z.unknown() });
const unshareArgs = idArgs.extend({ shareId: idSchema("a share") });

export type SharesResult = { ok: true; shares: Share[] } | { ok: false; message: string };

/** Who an image is shared with, for the share dialog; reads only. */
export async function imageSharesAction(id: string): Promise<SharesResult> {
  const args = parseInput(idArgs, { id });
  if (!args.ok) return { ok: false, message: args.error.message };
  const result = await listImageShares(catalogDeps(), await currentActor(), args.value.id);
  return result.ok ? { ok: true, shares: result.value } : { ok: false, message: result.error.message };
}

/** The team projects an image can be shared with, for the share dialog; reads only. */
export async function shareTargetsAction(): Promise<{ id: string; name: string }[]> {
  const result = await shareTargets(catalogDeps(), await currentActor());
  return result.ok ? result.value : [];
}

// The target is parsed by the domain, which reports a message per field.
export async function shareAction(id: string, target: unknown): Promise<ActionResult> {
  return run(parseInput(shareArgs, { id, target }), (deps, actor, args) => shareImage(deps, actor, args.id, args.target));
}

export async function unshareAction(id: string, shareId: string): Promise<ActionResult> {
  return run(parseInput(unshareArgs, { id, shareId }), (deps, actor, args) => unshareImage(deps, actor, args.id, args.shareId));
}
