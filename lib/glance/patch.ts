import { z } from "zod";
import { fail, ok, type Result } from "../result";
import { MAPPED_PROPERTIES, READ_ONLY } from "./document";

/** The media type of Glance's image patches: JSON Patch (RFC 6902) on the image's top-level attributes, where add is an upsert. */
export const PATCH_MEDIA_TYPE = "application/openstack-images-v2.1-json-patch";

const MAX_OPERATIONS = 256;

export const patchSchema = z
  .array(
    z.discriminatedUnion(
      "op",
      [
        z.object({ op: z.literal("add"), path: z.string(), value: z.json() }).strict(),
        z.object({ op: z.literal("replace"), path: z.string(), value: z.json() }).strict(),
        z.object({ op: z.literal("remove"), path: z.string() }).strict(),
      ],
      { error: "Each change is an object with op add, replace or remove, a path, and (but for remove) a value." },
    ),
    { error: `The body is a JSON Patch: a list of changes such as [{"op": "replace", "path": "/name", "value": "new-name"}].` },
  )
  .max(MAX_OPERATIONS, `At most ${MAX_OPERATIONS} changes in one patch.`);

export type PatchOperation = z.output<typeof patchSchema>[number];

/** Attributes every image has: replaced, never removed. */
const CORE = ["name", "visibility", "os_hidden", "protected", "container_format", "disk_format", "tags", "min_ram", "min_disk"];

/**
 * Attributes the served schema names (lib/glance/schemas.ts): replace sets them even when unset, as Glance does
 * (glanceclient sends replace for any of them, set or not). Only a custom property must exist to be replaced.
 */
const NAMED: ReadonlySet<string> = new Set([...CORE, ...MAPPED_PROPERTIES.map((property) => property.glance)]);

/** The attribute a path names: one level (`/name`, `/os_distro`), with RFC 6901's escapes (~1 for /, ~0 for ~). */
function attributeOf(path: string): string | null {
  if (!/^\/[^/]+$/.test(path)) return null;
  return path.slice(1).replaceAll("~1", "/").replaceAll("~0", "~");
}

/**
 * Applies a Glance v2.1 patch to an image's writable document (lib/glance/input.ts's editableDocument), as Glance
 * does: add sets (an upsert), replace and remove need a custom property to exist (409), read-only attributes are
 * refused (403), core attributes are never removed. Returns the new document; nothing is written.
 */
export function applyPatch(doc: Record<string, unknown>, operations: PatchOperation[]): Result<Record<string, unknown>> {
  let result = { ...doc };
  for (const operation of operations) {
    const key = attributeOf(operation.path);
    if (key === null) return fail("invalid", `Invalid path '${operation.path}': Glance's images patch top-level attributes, such as /name or /os_distro.`);
    if ((READ_ONLY as readonly string[]).includes(key)) return fail("forbidden", `Attribute '${key}' is read-only.`);
    const exists = Object.hasOwn(result, key);
    if (operation.op === "remove") {
      if (CORE.includes(key)) return fail("forbidden", `Attribute '${key}' cannot be removed.`);
      if (!exists) return fail("conflict", `Property '${key}' does not exist.`);
      result = Object.fromEntries(Object.entries(result).filter(([name]) => name !== key));
      continue;
    }
    if (operation.op === "replace" && !exists && !NAMED.has(key)) return fail("conflict", `Property '${key}' does not exist: add it instead.`);
    result[key] = operation.value;
  }
  return ok(result);
}
