import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/actor";
import { isRecordGone } from "../db/errors";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { removeImageBytes } from "./export";
import type { Image, Visibility } from "./image";
import { auditImageChange } from "./image-audit";
import { nameColumns } from "./image-name";
import { imageInclude, toImage } from "./image-view";
import { setDeprecation } from "./deprecation";
import { removeImageRecord } from "./lifecycle";
import { claimName, nameConflict, type NameScope, nameTaken } from "./names";
import { decide } from "./policy";
import { deprecatedSchema, fieldErrors, imageNameSchema, imagePatchSchema, imagePropertiesSchema } from "./schemas";

/** Where a loaded image's name must be unique. */
const scopeOf = (image: { visibility: string; project: NameScope["project"] }): NameScope => ({
  visibility: image.visibility as Visibility,
  project: image.project,
});

const GONE = "This image was deleted meanwhile.";

/**
 * A write to an image loaded a moment before: a deletion (on this node or another) that removed the row in between
 * makes it the deletion's answer, a 404, where Prisma throws "record not found" (a 500).
 */
async function unlessDeleted<T>(write: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await write();
  } catch (error) {
    if (isRecordGone(error)) return fail("not_found", GONE);
    throw error;
  }
}

export async function renameImage(deps: CatalogDeps, actor: Actor | null, rawId: unknown, rawName: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "rename", rawId);
  if (!loaded.ok) return loaded;
  const parsed = imageNameSchema.safeParse(rawName);
  if (!parsed.success) return fail("invalid", parsed.error.issues[0]?.message ?? "Invalid name.", { name: parsed.error.issues[0]?.message ?? "Invalid name." });
  const name = parsed.data;
  const { id, viewer } = loaded.value;
  const scope = scopeOf(loaded.value);
  if (await nameTaken(deps.db, name, scope, id)) return nameConflict(name, scope);
  return unlessDeleted(() =>
    claimName(name, scope, () =>
      deps.db.$transaction(async (tx) => {
        // The event first: a rename that loses a race at the unique index rolls it back with itself.
        await auditImageChange(tx, actor as Actor, "image.rename", loaded.value, { name });
        const row = await tx.image.update({
          where: { id },
          data: nameColumns(name, scope.visibility, scope.project?.id ?? null),
          include: imageInclude(viewer),
        });
        return toImage(viewer, row);
      }),
    ),
  );
}

/** Applies *Edit properties*: validates everything first, then writes all of it or nothing. */
export async function updateImageProperties(deps: CatalogDeps, actor: Actor | null, rawId: unknown, input: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "edit", rawId);
  if (!loaded.ok) return loaded;
  const parsed = imagePropertiesSchema.safeParse(input);
  if (!parsed.success) return fail("invalid", "Some values are not valid; nothing was changed.", fieldErrors(parsed.error));
  const { properties, ...fields } = parsed.data;
  const data = { ...fields, ...(properties ? { properties: JSON.stringify(properties) } : {}) };
  return unlessDeleted(async () => {
    const row = await deps.db.$transaction(async (tx) => {
      const updated = await tx.image.update({ where: { id: loaded.value.id }, data, include: imageInclude(loaded.value.viewer) });
      await auditImageChange(tx, actor as Actor, "image.edit", loaded.value, data);
      return updated;
    });
    return ok(toImage(loaded.value.viewer, row));
  });
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
  const { id, viewer } = image;
  const scope = scopeOf(image);
  if (name !== undefined) {
    if (decide(actor as Actor, "rename", image.subject) !== "allow") return fail("forbidden", "You cannot rename this image.");
    if (await nameTaken(deps.db, name, scope, id)) return nameConflict(name, scope);
  }
  const edited = { ...fields, ...(properties ? { properties: JSON.stringify(properties) } : {}) };
  return unlessDeleted(() =>
    claimName(name ?? image.name, scope, () =>
      deps.db.$transaction(async (tx) => {
        if (name !== undefined) await auditImageChange(tx, actor as Actor, "image.rename", image, { name });
        await auditImageChange(tx, actor as Actor, "image.edit", image, edited);
        const row = await tx.image.update({
          where: { id },
          data: { ...edited, ...(name !== undefined ? nameColumns(name, scope.visibility, scope.project?.id ?? null) : {}) },
          include: imageInclude(viewer),
        });
        return toImage(viewer, row);
      }),
    ),
  );
}

/**
 * Removes the record and then the bytes it held when it went, so a failure never leaves a row without a
 * file; a deletion that loses to another is told the image is gone.
 */
export async function deleteImage(deps: CatalogDeps, actor: Actor | null, rawId: unknown): Promise<Result<{ id: string; name: string }>> {
  const loaded = await loadFor(deps, actor, "delete", rawId);
  if (!loaded.ok) return loaded;
  const { id, name, status, projectId } = loaded.value;
  const removed = await deps.db.$transaction(async (tx) => {
    const gone = await removeImageRecord(tx, id);
    if (gone) await recordAudit(tx, actor as Actor, { action: "image.delete", objectId: id, projectId, before: { name, status } });
    return gone;
  });
  if (!removed) return fail("not_found", GONE);
  if (removed.storageKey) await removeImageBytes(deps, removed.storageKey);
  return ok({ id, name });
}

/** The portal's Deprecate and Restore: deprecated now (keeping any replacement and dates), or active again. */
export async function setDeprecated(deps: CatalogDeps, actor: Actor | null, rawId: unknown, rawDeprecated: unknown): Promise<Result<Image>> {
  // Strictly a boolean: the string "false" is truthy and would deprecate.
  const parsed = parseInput(deprecatedSchema, rawDeprecated);
  if (!parsed.ok) return loadFor(deps, actor, "deprecate", rawId).then((loaded) => (loaded.ok ? parsed : loaded));
  return setDeprecation(deps, actor, rawId, { state: parsed.value ? "deprecated" : "active" });
}
