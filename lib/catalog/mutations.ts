import { imageChange, imageEvent } from "../audit/image";
import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/actor";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { type Image, type ImageStatus, type Visibility, ownerSelect, toImage } from "./image";
import { nameColumns } from "./image-name";
import { claimName, nameConflict, nameTaken } from "./names";
import { decide } from "./policy";
import { deprecatedSchema, fieldErrors, imageNameSchema, imagePatchSchema, imagePropertiesSchema } from "./schemas";

export async function renameImage(deps: CatalogDeps, actor: Actor | null, rawId: unknown, rawName: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "rename", rawId);
  if (!loaded.ok) return loaded;
  const parsed = imageNameSchema.safeParse(rawName);
  if (!parsed.success) return fail("invalid", parsed.error.issues[0]?.message ?? "Invalid name.", { name: parsed.error.issues[0]?.message ?? "Invalid name." });
  const name = parsed.data;
  const { id, visibility, ownerId } = loaded.value;
  const scope = { visibility: visibility as Visibility, ownerId };
  if (await nameTaken(deps.db, name, scope, id)) return nameConflict(name, scope.visibility);
  return claimName(name, scope.visibility, async () => {
    const row = await deps.db.image.update({ where: { id }, data: nameColumns(name, scope.visibility, ownerId), include: { owner: ownerSelect } });
    await recordAudit(deps.db, actor as Actor, imageChange("image.rename", loaded.value, row));
    return toImage(row);
  });
}

/** Applies *Edit properties*: validates everything first, then writes all of it or nothing. */
export async function updateImageProperties(deps: CatalogDeps, actor: Actor | null, rawId: unknown, input: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "edit", rawId);
  if (!loaded.ok) return loaded;
  const parsed = imagePropertiesSchema.safeParse(input);
  if (!parsed.success) return fail("invalid", "Some values are not valid; nothing was changed.", fieldErrors(parsed.error));
  const { properties, ...fields } = parsed.data;
  const row = await deps.db.image.update({
    where: { id: loaded.value.id },
    data: { ...fields, ...(properties ? { properties: JSON.stringify(properties) } : {}) },
    include: { owner: ownerSelect },
  });
  await recordAudit(deps.db, actor as Actor, imageChange("image.edit", loaded.value, row));
  return ok(toImage(row));
}

/**
 * Renames and edits in one step (the API's PATCH): validates the name and
 * every property first, then writes all of it or nothing.
 */
export async function updateImage(deps: CatalogDeps, actor: Actor | null, rawId: unknown, input: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "edit", rawId);
  if (!loaded.ok) return loaded;
  const parsed = imagePatchSchema.safeParse(input);
  if (!parsed.success) return fail("invalid", "Some values are not valid; nothing was changed.", fieldErrors(parsed.error));
  const { name, properties, ...fields } = parsed.data;
  const image = loaded.value;
  const { id } = image;
  const subject = { visibility: image.visibility as Visibility, ownerId: image.ownerId, status: image.status as ImageStatus };
  if (name !== undefined) {
    if (decide(actor as Actor, "rename", subject) !== "allow") return fail("forbidden", "Only administrators can rename this image.");
    if (await nameTaken(deps.db, name, subject, id)) return nameConflict(name, subject.visibility);
  }
  return claimName(name ?? image.name, subject.visibility, async () => {
    const row = await deps.db.image.update({
      where: { id },
      data: {
        ...fields,
        ...(name !== undefined ? nameColumns(name, subject.visibility, subject.ownerId) : {}),
        ...(properties ? { properties: JSON.stringify(properties) } : {}),
      },
      include: { owner: ownerSelect },
    });
    await recordAudit(deps.db, actor as Actor, imageChange(name !== undefined && name !== image.name ? "image.rename" : "image.edit", image, row));
    return toImage(row);
  });
}

/** Removes the record and its bytes. The record goes first so a failure never leaves a row without a file. */
export async function deleteImage(deps: CatalogDeps, actor: Actor | null, rawId: unknown): Promise<Result<{ id: string; name: string }>> {
  const loaded = await loadFor(deps, actor, "delete", rawId);
  if (!loaded.ok) return loaded;
  const { id, storageKey, name } = loaded.value;
  await deps.db.image.delete({ where: { id } });
  await recordAudit(
    deps.db,
    actor as Actor,
    imageEvent("image.delete", loaded.value, {
      before: { name, visibility: loaded.value.visibility, status: loaded.value.status, fileSize: loaded.value.fileSize, sha256: loaded.value.sha256 },
    }),
  );
  if (storageKey) await deps.store.remove(storageKey);
  return ok({ id, name });
}

/** Deprecated platform images leave the default list but stay usable and visible when asked for. */
export async function setDeprecated(deps: CatalogDeps, actor: Actor | null, rawId: unknown, rawDeprecated: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "deprecate", rawId);
  if (!loaded.ok) return loaded;
  // Strictly a boolean: the string "false" is truthy and would deprecate.
  const parsed = parseInput(deprecatedSchema, rawDeprecated);
  if (!parsed.ok) return parsed;
  const deprecated = parsed.value;
  const { id, status: current } = loaded.value;
  if (deprecated && current !== "ready") return fail("conflict", "Only ready images can be deprecated.");
  if (!deprecated && current !== "deprecated") return fail("conflict", "This image is not deprecated.");
  const row = await deps.db.image.update({ where: { id }, data: { status: deprecated ? "deprecated" : "ready" }, include: { owner: ownerSelect } });
  await recordAudit(deps.db, actor as Actor, imageChange(deprecated ? "image.deprecate" : "image.undeprecate", loaded.value, row));
  return ok(toImage(row));
}
