import type { Actor } from "../auth/actor";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { parseFamilyRef, formatFamilyRef } from "./families";
import { type DeprecationState, type Image, type ImageStatus, SETTLED_STATUSES } from "./image";
import { imageInclude, toImage } from "./image-view";
import { type ImageColumns, transition, type TransitionName, writeWhile } from "./lifecycle";
import { deprecationInputSchema } from "./schemas";
import { removeImageBytes } from "./export";

/** The transition into each state, from wherever the image is. */
const INTO: Record<DeprecationState, TransitionName> = { active: "restore", deprecated: "deprecate", obsolete: "obsolete", deleted: "markDeleted" };
const STATUS_OF: Record<DeprecationState, ImageStatus> = { active: "ready", deprecated: "deprecated", obsolete: "obsolete", deleted: "deleted" };
const ORDER = ["deprecateOn", "obsoleteOn", "deleteOn"] as const;

const GONE = "This image was deleted meanwhile.";

/**
 * The replacement as stored: an image the actor can see (a family reference is kept as a reference, so that it
 * follows the family's newest version), never the image itself; a platform image is replaced only by platform images.
 */
async function checkReplacement(deps: CatalogDeps, actor: Actor, image: { id: string; visibility: string }, raw: string): Promise<Result<string>> {
  const target = await loadFor(deps, actor, "view", raw);
  const field = (message: string) => fail("invalid", message, { replacement: message });
  if (!target.ok) return field(`The replacement "${raw}" names no image you can see.`);
  if (target.value.id === image.id) return field("An image cannot replace itself.");
  if (image.visibility === "platform" && target.value.visibility !== "platform") return field("A platform image can only be replaced by a platform image.");
  const ref = parseFamilyRef(raw);
  return ok(ref ? formatFamilyRef(ref) : target.value.id);
}

/**
 * Sets an image's deprecation: its state now, its replacement, and the dates on which it becomes deprecated,
 * obsolete and deleted by itself (lib/catalog/deprecation-schedule.ts applies them). Back to active clears the
 * replacement and the dates. Deleted is final: the bytes go, the record stays to name the replacement.
 */
export async function setDeprecation(deps: CatalogDeps, actor: Actor | null, rawId: unknown, rawInput: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "deprecate", rawId);
  if (!loaded.ok) return loaded;
  const parsed = parseInput(deprecationInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const { state, replacement: rawReplacement, ...isoDates } = parsed.value;
  const dates = Object.fromEntries(Object.entries(isoDates).map(([key, value]) => [key, value ? new Date(value) : null]));
  const image = loaded.value;
  const { id } = image;

  const columns: ImageColumns = {};
  if (rawReplacement !== undefined) {
    const replacement = rawReplacement === null ? ok(null) : await checkReplacement(deps, actor as Actor, image, rawReplacement);
    if (!replacement.ok) return replacement;
    columns.replacement = replacement.value;
  }
  const schedule = { deprecateOn: image.deprecateOn, obsoleteOn: image.obsoleteOn, deleteOn: image.deleteOn, ...dates };
  const set = ORDER.filter((key) => schedule[key]).map((key) => schedule[key] as Date);
  if (set.some((date, i) => i > 0 && date < set[i - 1]))
    return fail("invalid", "The dates must come in order: deprecated, then obsolete, then deleted.", { deleteOn: "Dates out of order." });
  Object.assign(columns, dates);
  if (state === "active") Object.assign(columns, { replacement: null, deprecateOn: null, obsoleteOn: null, deleteOn: null });

  const settled = [...SETTLED_STATUSES].filter((status) => status !== "deleted");
  const { status, replacement, deprecateOn, obsoleteOn, deleteOn, projectId } = image;
  const audit = { actor: actor as Actor, action: "image.deprecate", projectId, before: { status, replacement, deprecateOn, obsoleteOn, deleteOn } } as const;
  if (state === undefined || STATUS_OF[state] === image.status) {
    if (!(await writeWhile(deps.db, id, settled, columns, {}, audit))) return fail("not_found", GONE);
  } else {
    const moved = await transition(deps.db, id, INTO[state], state === "deleted" ? { ...columns, storageKey: null } : columns, { audit });
    if (!moved) {
      const current = await deps.db.image.findUnique({ where: { id }, select: { status: true } });
      return current ? fail("conflict", `This image is ${current.status} now; try again.`) : fail("not_found", GONE);
    }
    if (state === "deleted" && image.storageKey) await removeImageBytes(deps, image.storageKey);
  }
  return ok(toImage(image.viewer, await deps.db.image.findUniqueOrThrow({ where: { id }, include: imageInclude(image.viewer) })));
}
