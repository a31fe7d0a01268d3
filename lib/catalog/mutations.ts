import type { Actor } from "../auth/actor";
import { fail, ok, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { type Image, type ImageStatus, type Visibility, ownerSelect, toImage } from "./image";
import { nameTaken, nameTakenMessage } from "./names";
import { decide } from "./policy";
import { fieldErrors, imageNameSchema, imagePatchSchema, imagePropertiesSchema } from "./schemas";

export async function renameImage(deps: CatalogDeps, actor: Actor | null, id: string, rawName: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "rename", id);
  if (!loaded.ok) return loaded;
  const parsed = imageNameSchema.safeParse(rawName);
  if (!parsed.success) return fail("invalid", parsed.error.issues[0]?.message ?? "Invalid name.", { name: parsed.error.issues[0]?.message ?? "Invalid name." });
  const name = parsed.data;
  const image = loaded.value;
  const scope = { visibility: image.visibility as Visibility, ownerId: image.ownerId };
  if (await nameTaken(deps.db, name, scope, id)) {
    const message = nameTakenMessage(name, scope.visibility);
    return fail("conflict", message, { name: message });
  }
  const row = await deps.db.image.update({ where: { id }, data: { name }, include: { owner: ownerSelect } });
  return ok(toImage(row));
}

/** Applies *Edit properties*: validates everything first, then writes all of it or nothing. */
export async function updateImageProperties(deps: CatalogDeps, actor: Actor | null, id: string, input: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "edit", id);
  if (!loaded.ok) return loaded;
  const parsed = imagePropertiesSchema.safeParse(input);
  if (!parsed.success) return fail("invalid", "Some values are not valid; nothing was changed.", fieldErrors(parsed.error));
  const { properties, ...fields } = parsed.data;
  const row = await deps.db.image.update({
    where: { id },
    data: { ...fields, ...(properties ? { properties: JSON.stringify(properties) } : {}) },
    include: { owner: ownerSelect },
  });
  return ok(toImage(row));
}

/**
 * Renames and edits in one step (the API's PATCH): validates the name and
 * every property first, then writes all of it or nothing.
 */
export async function updateImage(deps: CatalogDeps, actor: Actor | null, id: string, input: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "edit", id);
  if (!loaded.ok) return loaded;
  const parsed = imagePatchSchema.safeParse(input);
  if (!parsed.success) return fail("invalid", "Some values are not valid; nothing was changed.", fieldErrors(parsed.error));
  const { name, properties, ...fields } = parsed.data;
  const image = loaded.value;
  const subject = { visibility: image.visibility as Visibility, ownerId: image.ownerId, status: image.status as ImageStatus };
  if (name !== undefined) {
    if (decide(actor as Actor, "rename", subject) !== "allow") return fail("forbidden", "Only administrators can rename this image.");
    if (await nameTaken(deps.db, name, subject, id)) {
      const message = nameTakenMessage(name, subject.visibility);
      return fail("conflict", message, { name: message });
    }
  }
  const row = await deps.db.image.update({
    where: { id },
    data: { ...fields, ...(name !== undefined ? { name } : {}), ...(properties ? { properties: JSON.stringify(properties) } : {}) },
    include: { owner: ownerSelect },
  });
  return ok(toImage(row));
}

/** Removes the record and its bytes. The record goes first so a failure never leaves a row without a file. */
export async function deleteImage(deps: CatalogDeps, actor: Actor | null, id: string): Promise<Result<{ id: string; name: string }>> {
  const loaded = await loadFor(deps, actor, "delete", id);
  if (!loaded.ok) return loaded;
  const { storageKey, name } = loaded.value;
  await deps.db.image.delete({ where: { id } });
  if (storageKey) await deps.store.remove(storageKey);
  return ok({ id, name });
}

/** Deprecated platform images leave the default list but stay usable and visible when asked for. */
export async function setDeprecated(deps: CatalogDeps, actor: Actor | null, id: string, deprecated: boolean): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "deprecate", id);
  if (!loaded.ok) return loaded;
  const current = loaded.value.status;
  if (deprecated && current !== "ready") return fail("conflict", "Only ready images can be deprecated.");
  if (!deprecated && current !== "deprecated") return fail("conflict", "This image is not deprecated.");
  const row = await deps.db.image.update({ where: { id }, data: { status: deprecated ? "deprecated" : "ready" }, include: { owner: ownerSelect } });
  return ok(toImage(row));
}
