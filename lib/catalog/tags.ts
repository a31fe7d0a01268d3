import { z } from "zod";
import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import { parseInput } from "../parse";
import { ok, type Result } from "../result";
import { isWellFormedText, NOT_TEXT_MESSAGE } from "../text/well-formed";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { auditImageChange } from "./image-audit";

/** Glance's bound on a tag's length; the count is Hangar's (Glance's default image_tag_quota is 128). */
export const MAX_TAG_LENGTH = 255;
export const MAX_TAGS = 128;

export const tagSchema = z
  .string({ error: "A tag is text." })
  .min(1, "A tag is not empty.")
  .max(MAX_TAG_LENGTH, `A tag is at most ${MAX_TAG_LENGTH} characters.`)
  .refine(isWellFormedText, `A tag ${NOT_TEXT_MESSAGE}.`)
  .refine((tag) => !/[\u0000-\u001f\u007f]/.test(tag), "A tag cannot contain control characters.");

/** An image's tags as a client sends them: each kept once, in the order first given. */
export const tagsSchema = z
  .array(tagSchema, { error: "Tags are a list of strings." })
  .transform((tags) => [...new Set(tags)])
  .refine((tags) => tags.length <= MAX_TAGS, `An image has at most ${MAX_TAGS} tags.`);

/** The tags of each of `ids`, sorted (an image without tags maps to an empty list). */
export async function tagsOf(db: Pick<Db, "imageTag">, ids: string[]): Promise<Map<string, string[]>> {
  const rows = await db.imageTag.findMany({ where: { imageId: { in: ids } }, orderBy: { tag: "asc" } });
  const tags = new Map(ids.map((id) => [id, [] as string[]]));
  for (const row of rows) tags.get(row.imageId)?.push(row.tag);
  return tags;
}

/** Replaces an image's tags, for whoever may edit it (lib/catalog/policy.ts); returns them as stored. */
export async function setImageTags(deps: CatalogDeps, actor: Actor | null, rawId: unknown, rawTags: unknown): Promise<Result<string[]>> {
  const loaded = await loadFor(deps, actor, "edit", rawId);
  if (!loaded.ok) return loaded;
  const parsed = parseInput(tagsSchema, rawTags);
  if (!parsed.ok) return parsed;
  const { id, projectId } = loaded.value;
  const tags = parsed.value;
  await deps.db.$transaction(async (tx) => {
    const before = (await tx.imageTag.findMany({ where: { imageId: id }, orderBy: { tag: "asc" } })).map((row) => row.tag);
    await tx.imageTag.deleteMany({ where: { imageId: id } });
    if (tags.length > 0) await tx.imageTag.createMany({ data: tags.map((tag) => ({ imageId: id, tag })) });
    await auditImageChange(tx, actor as Actor, "image.edit", { id, projectId, tags: before }, { tags: [...tags].sort() });
  });
  return ok([...tags].sort());
}
