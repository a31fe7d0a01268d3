import fs from "node:fs/promises";
import path from "node:path";
import type { Actor } from "../auth/actor";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { hashFile } from "../storage/hash-file";
import type { CatalogDeps } from "./deps";
import { checkNewImage, insertImage, type NewImageTarget } from "./create";
import type { Image } from "./image";
import { imageInclude, toImage, viewerOf } from "./image-view";
import { newStorageKey } from "./keys";
import { removeImageRecord } from "./lifecycle";
import { registerInputSchema } from "./schemas";
import { scheduleValidation } from "./validation";

export interface StoreFileInput {
  creator: Actor;
  target: NewImageTarget;
  name: unknown;
  filePath: string;
  properties?: unknown;
}

/** Moves a file into image storage as a new image and starts its validation. */
export async function storeImageFile(deps: CatalogDeps, input: StoreFileInput): Promise<Result<Image>> {
  const checked = await checkNewImage(deps, { creator: input.creator, target: input.target, name: input.name, properties: input.properties });
  if (!checked.ok) return checked;
  const { sha256, size } = await hashFile(input.filePath);
  const storageKey = newStorageKey();
  // The row first: a name taken meanwhile must not cost the admin their file.
  const created = await insertImage(
    deps,
    checked.value,
    {
      status: "validating",
      fileSize: BigInt(size),
      sha256,
      storageKey,
      sourceFileName: path.basename(input.filePath),
    },
    "image.register",
  );
  if (!created.ok) return created;
  try {
    await deps.store.adopt(storageKey, input.filePath);
  } catch (error) {
    await removeImageRecord(deps.db, created.value.id);
    throw error;
  }
  scheduleValidation(deps, created.value.id);
  const viewer = await viewerOf(deps.db, input.creator);
  const stored = await deps.db.image.findUniqueOrThrow({ where: { id: created.value.id }, include: imageInclude(viewer) });
  return ok(toImage(viewer, stored));
}

/** Files an admin has placed in the import directory, ready to be registered. */
export async function listImportableFiles(deps: CatalogDeps, actor: Actor | null): Promise<Result<{ name: string; size: number }[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (actor.role !== "admin") return fail("forbidden", "Only administrators can do that.");
  const entries = await fs.readdir(deps.importDir, { withFileTypes: true }).catch(() => []);
  const files = await Promise.all(
    entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
      .map(async (entry) => ({
        name: entry.name,
        size: (await fs.stat(path.join(deps.importDir, entry.name))).size,
      })),
  );
  return ok(files.sort((a, b) => a.name.localeCompare(b.name)));
}

/** Registers a file from the import directory as a platform image (admins only). */
export async function registerPlatformImage(deps: CatalogDeps, actor: Actor | null, rawInput: unknown): Promise<Result<Image>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (actor.role !== "admin") return fail("forbidden", "Only administrators can register platform images.");
  const parsed = parseInput(registerInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const filePath = path.join(deps.importDir, input.fileName);
  const stat = await fs.lstat(filePath).catch(() => null);
  if (!stat?.isFile())
    return fail("not_found", `There is no file named "${input.fileName}" in the import directory.`, { fileName: "That file is not in the import directory." });
  return storeImageFile(deps, { creator: actor, target: { visibility: "platform" }, name: input.name, filePath, properties: input.properties });
}
