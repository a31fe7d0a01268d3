import type { Actor } from "../auth/actor";
import { checkNewImage, insertImage } from "../catalog/create";
import { setDeprecation } from "../catalog/deprecation";
import { type ImageFacts, imageFacts } from "../catalog/image-facts";
import type { Image } from "../catalog/image";
import { writeWhile } from "../catalog/lifecycle";
import { deleteImage, updateImage } from "../catalog/mutations";
import { getImage, listVisibleImages } from "../catalog/queries";
import { setImageTags, tagSchema, tagsSchema } from "../catalog/tags";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import type { GlanceDeps } from "./deps";
import { customProperties, glanceImage } from "./document";
import { arrivingData } from "./import";
import { editableDocument, type GlanceChange, readDocument } from "./input";
import { afterMarker, nextLink, orderByOf, parseListQuery } from "./list";
import { applyPatch, patchSchema } from "./patch";

export type GlanceImage = Record<string, unknown>;

const NO_FACTS: ImageFacts = { tags: [], md5: null, shared: false };

async function render(deps: GlanceDeps, images: Image[]): Promise<GlanceImage[]> {
  const facts = await imageFacts(
    deps.db,
    images.map((image) => image.id),
  );
  const arriving = await arrivingData(deps, images);
  return images.map((image) => glanceImage(image, facts.get(image.id) ?? NO_FACTS, deps.portal, arriving.get(image.id)));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** One page of the images the actor sees (every version of a family), with the link to the next when there is one. */
export async function listGlanceImages(deps: GlanceDeps, actor: Actor | null, params: URLSearchParams): Promise<Result<Record<string, unknown>>> {
  const request = parseListQuery(params);
  if (!request.ok) return request;
  const { where, order, marker, limit, deprecated, shareStatuses } = request.value;
  const conditions = [where];
  if (marker !== null) {
    const from = await getImage(deps, actor, marker);
    // Glance's answer to a marker it cannot find, which is also what an image the actor may not see is.
    if (!from.ok) return from.error.code === "not_found" ? fail("invalid", `marker not found: no image ${marker} that you may see.`) : from;
    conditions.push(afterMarker(order, from.value));
  }
  const page = await listVisibleImages(deps, actor, { where: { AND: conditions }, orderBy: orderByOf(order), take: limit + 1, deprecated, shareStatuses });
  if (!page.ok) return page;
  const images = page.value.slice(0, limit);
  const last = images.at(-1);
  return ok({
    images: await render(deps, images),
    first: "/v2/images",
    schema: "/v2/schemas/images",
    ...(page.value.length > limit && last ? { next: nextLink(params, last.id) } : {}),
  });
}

export async function showGlanceImage(deps: GlanceDeps, actor: Actor | null, id: string): Promise<Result<GlanceImage>> {
  const image = await getImage(deps, actor, id);
  return image.ok ? ok((await render(deps, [image.value]))[0]) : image;
}

/** Hangar's property input of a Glance change: the mapped columns and the custom properties. */
const propertiesOf = (change: GlanceChange) => ({ ...change.fields, properties: change.properties });

/**
 * Glance's create: an image with no data yet (queued), where a new upload would go: the platform catalog for
 * public (administrators), else the creator's project (the token's, or their personal one). Checked as every new image.
 */
export async function createGlanceImage(deps: GlanceDeps, actor: Actor | null, body: unknown): Promise<Result<GlanceImage>> {
  if (!actor) return fail("unauthenticated", "Send an API token as X-Auth-Token.");
  if (!isObject(body)) return fail("invalid", 'The body is a JSON object of the image\'s attributes, such as {"name": "debian-12", "disk_format": "qcow2"}.');
  if ("id" in body) return fail("invalid", "Hangar chooses image ids: leave id out.");
  const change = readDocument(body);
  if (!change.ok) return change;
  const { name, visibility, hidden, tags } = change.value;
  if (hidden) return fail("invalid", "A new image cannot be hidden: hide it (deprecate it) once it is active.");
  const parsedTags = parseInput(tagsSchema, tags ?? []);
  if (!parsedTags.ok) return parsedTags;
  const target = visibility === "public" ? ({ visibility: "platform" } as const) : ({ visibility: "private", projectId: null } as const);
  const checked = await checkNewImage(deps, { creator: actor, target, name, properties: propertiesOf(change.value) });
  if (!checked.ok) return checked;
  const created = await insertImage(
    deps,
    checked.value,
    // Until validation writes what the bytes are, the image holds the disk format declared.
    { status: "uploading", fileSize: 0n, diskFormat: change.value.diskFormat ?? null, tags: { create: parsedTags.value.map((tag) => ({ tag })) } },
    "image.upload",
  );
  return created.ok ? showGlanceImage(deps, actor, created.value.id) : created;
}

const sameRecord = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : 1))) === JSON.stringify(Object.entries(b).sort(([x], [y]) => (x < y ? -1 : 1)));

/**
 * Glance's PATCH: applies the patch to the image as Glance shows it, then makes what changed through the catalog's
 * own changes (rename and edit, tags, deprecation for os_hidden), each decided by the policy. Everything is checked
 * before the first write.
 */
export async function patchGlanceImage(deps: GlanceDeps, actor: Actor | null, id: string, body: unknown): Promise<Result<GlanceImage>> {
  const loaded = await getImage(deps, actor, id);
  if (!loaded.ok) return loaded;
  const operations = parseInput(patchSchema, body);
  if (!operations.ok) return operations;
  const image = loaded.value;
  const facts = (await imageFacts(deps.db, [image.id])).get(image.id) ?? NO_FACTS;
  const before = editableDocument(image, facts);
  const patched = applyPatch(before, operations.value);
  if (!patched.ok) return patched;
  const was = readDocument(before);
  const now = readDocument(patched.value);
  if (!was.ok) return was;
  if (!now.ok) return now;
  const [from, to] = [was.value, now.value];
  if (to.visibility !== from.visibility && (to.visibility === "public" || from.visibility === "public"))
    return fail(
      "forbidden",
      "An image enters the platform catalog (public) as a published copy, which an administrator makes on the portal; its visibility does not change here.",
    );
  const tags = parseInput(tagsSchema, to.tags ?? []);
  if (!tags.ok) return tags;

  const edit: Record<string, unknown> = {};
  if (to.name !== from.name) edit.name = to.name;
  for (const [field, value] of Object.entries(to.fields)) if (value !== from.fields[field as keyof typeof from.fields]) edit[field] = value;
  if (!sameRecord(to.properties, from.properties)) {
    // Properties Glance cannot show (a name it reserves) stay as they are.
    const shown = customProperties(image);
    const hiddenFromGlance = Object.fromEntries(Object.entries(image.properties).filter(([key]) => !(key in shown)));
    edit.properties = { ...hiddenFromGlance, ...to.properties };
  }
  const formatChanged = (to.diskFormat ?? null) !== (from.diskFormat ?? null);
  if (formatChanged && image.status !== "uploading")
    return fail("forbidden", "disk_format can only be changed on a queued image: its bytes are what inspection found.");
  const tagsChanged = [...tags.value].sort().join("\u0000") !== facts.tags.join("\u0000");
  const hiddenChanged = to.hidden !== undefined && to.hidden !== from.hidden;

  if (Object.keys(edit).length > 0) {
    const updated = await updateImage(deps, actor, image.id, edit);
    if (!updated.ok) return updated;
  }
  if (formatChanged && !(await writeWhile(deps.db, image.id, ["uploading"], { diskFormat: to.diskFormat ?? null })))
    return fail("conflict", "The image took its data meanwhile: its disk format is what inspection finds.");
  if (tagsChanged) {
    const set = await setImageTags(deps, actor, image.id, tags.value);
    if (!set.ok) return set;
  }
  if (hiddenChanged) {
    const hidden = await setDeprecation(deps, actor, image.id, { state: to.hidden ? "deprecated" : "active" });
    if (!hidden.ok) return hidden;
  }
  return showGlanceImage(deps, actor, image.id);
}

export async function deleteGlanceImage(deps: GlanceDeps, actor: Actor | null, id: string): Promise<Result<null>> {
  const deleted = await deleteImage(deps, actor, id);
  return deleted.ok ? ok(null) : deleted;
}

/** Adds one tag (already there: nothing changes) or removes one (Glance's 404 when the image has no such tag). */
export async function changeGlanceTag(deps: GlanceDeps, actor: Actor | null, id: string, rawTag: string, change: "add" | "remove"): Promise<Result<null>> {
  const image = await getImage(deps, actor, id);
  if (!image.ok) return image;
  const tag = parseInput(tagSchema, rawTag);
  if (!tag.ok) return tag;
  const tags = (await imageFacts(deps.db, [image.value.id])).get(image.value.id)?.tags ?? [];
  if (change === "remove" && !tags.includes(tag.value)) return fail("not_found", `The image has no tag '${tag.value}'.`);
  const set = await setImageTags(deps, actor, image.value.id, change === "add" ? [...tags, tag.value] : tags.filter((t) => t !== tag.value));
  return set.ok ? ok(null) : set;
}
