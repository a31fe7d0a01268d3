import fs from "node:fs/promises";
import path from "node:path";
import type { Actor } from "../auth/actor";
import { fail, ok, type Result } from "../result";
import { hashFile } from "../storage/hash-file";
import type { CatalogDeps } from "./deps";
import { type Image, ownerSelect, toImage, type Visibility } from "./image";
import { newStorageKey } from "./keys";
import { nameTaken, nameTakenMessage } from "./names";
import { fieldErrors, imageNameSchema, imagePropertiesSchema } from "./schemas";
import { scheduleValidation } from "./validation";

export interface StoreFileInput {
  owner: Actor;
  visibility: Visibility;
  name: string;
  filePath: string;
  properties?: unknown;
}

/** Moves a file into image storage as a new image and starts its validation. */
export async function storeImageFile(deps: CatalogDeps, input: StoreFileInput): Promise<Result<Image>> {
  const parsedName = imageNameSchema.safeParse(input.name);
  if (!parsedName.success) {
    const message = parsedName.error.issues[0]?.message ?? "Invalid name.";
    return fail("invalid", message, { name: message });
  }
  const parsedProps = imagePropertiesSchema.safeParse(input.properties ?? {});
  if (!parsedProps.success) return fail("invalid", "Some values are not valid; nothing was changed.", fieldErrors(parsedProps.error));
  const name = parsedName.data;
  const scope = { visibility: input.visibility, ownerId: input.owner.id };
  if (await nameTaken(deps.db, name, scope)) {
    const message = nameTakenMessage(name, input.visibility);
    return fail("conflict", message, { name: message });
  }
  const { sha256, size } = await hashFile(input.filePath);
  const storageKey = newStorageKey();
  await deps.store.adopt(storageKey, input.filePath);
  const { properties, ...fields } = parsedProps.data;
  const row = await deps.db.image.create({
    data: {
      ...fields,
      name,
      visibility: input.visibility,
      ownerId: input.owner.id,
      status: "validating",
      fileSize: BigInt(size),
      sha256,
      storageKey,
      properties: JSON.stringify(properties ?? {}),
    },
  });
  await scheduleValidation(deps, row.id);
  const stored = await deps.db.image.findUniqueOrThrow({ where: { id: row.id }, include: { owner: ownerSelect } });
  return ok(toImage(stored));
}

const PLAIN_FILE_NAME = /^[^/\\\0]+$/;

/** Files an admin has placed in the import directory, ready to be registered. */
export async function listImportableFiles(deps: CatalogDeps, actor: Actor | null): Promise<Result<{ name: string; size: number }[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (actor.role !== "admin") return fail("forbidden", "Only administrators can do that.");
  const entries = await fs.readdir(deps.importDir, { withFileTypes: true }).catch(() => []);
  const files = await Promise.all(
    entries.filter((entry) => entry.isFile() && !entry.name.startsWith(".")).map(async (entry) => ({
      name: entry.name,
      size: (await fs.stat(path.join(deps.importDir, entry.name))).size,
    })),
  );
  return ok(files.sort((a, b) => a.name.localeCompare(b.name)));
}

/** Registers a file from the import directory as a platform image (admins only). */
export async function registerPlatformImage(
  deps: CatalogDeps,
  actor: Actor | null,
  input: { fileName: string; name: string; properties?: unknown },
): Promise<Result<Image>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (actor.role !== "admin") return fail("forbidden", "Only administrators can register platform images.");
  if (!PLAIN_FILE_NAME.test(input.fileName) || input.fileName === "." || input.fileName === "..") {
    return fail("invalid", "Choose a file from the import directory.", { fileName: "Choose a file from the import directory." });
  }
  const filePath = path.join(deps.importDir, input.fileName);
  const stat = await fs.lstat(filePath).catch(() => null);
  if (!stat?.isFile()) return fail("not_found", `There is no file named "${input.fileName}" in the import directory.`, { fileName: "That file is not in the import directory." });
  return storeImageFile(deps, { owner: actor, visibility: "platform", name: input.name, filePath, properties: input.properties });
}
