import type { Actor } from "../auth/actor";
import type { Prisma } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import type { CatalogDeps } from "./deps";
import { previousVersion } from "./families";
import type { Visibility } from "./image";
import { nameColumns, nameScope } from "./image-name";
import type { InitialStatus } from "./lifecycle";
import { claimName, nameConflict, nameTaken } from "./names";
import { mayCreate } from "./policy";
import { fieldErrors, imageNameSchema, type ImageProperties, imagePropertiesSchema } from "./schemas";
import { familySchema, versionKey, versionSchema } from "./version-order";

export interface NewImageInput {
  owner: Actor;
  visibility: Visibility;
  name: unknown;
  properties?: unknown;
  /** To add the image as a version of a family: both, or neither. */
  family?: unknown;
  version?: unknown;
}

/** A new image's checked name and properties, ready to become a row. */
export interface NewImage {
  ownerId: string;
  visibility: Visibility;
  name: string;
  fields: Omit<ImageProperties, "properties"> & { properties: string; family?: string; version?: string; versionKey?: string };
}

/** The properties a new version starts from: those it was given, and the previous version's for every one it was not. */
const INHERITED = ["description", "minMemoryMiB", "minDiskGiB", "osType", "osDistro", "osVersion", "architecture", "firmware"] as const;

function versionConflict(family: string, version: string) {
  const message = `The family "${family}" already has version ${version} (or one equal to it, such as with leading zeros). Versions never change once uploaded: give this one a new version.`;
  return fail("conflict", message, { version: message });
}

/** The family and version of a new image, checked: both or neither, well-formed, and the version not yet in the family. */
async function checkFamily(deps: CatalogDeps, input: NewImageInput, scope: string): Promise<Result<{ family: string; version: string } | null>> {
  const given = (value: unknown) => value !== undefined && value !== null && value !== "";
  if (!given(input.family) && !given(input.version)) return ok(null);
  if (!given(input.family)) return fail("invalid", "Name the family this version belongs to.", { family: "Name the family this version belongs to." });
  if (!given(input.version)) return fail("invalid", "Give the version within the family, such as 2026.12.06 or 1.4.2.", { version: "Give the version." });
  const family = familySchema.safeParse(input.family);
  if (!family.success)
    return fail("invalid", family.error.issues[0]?.message ?? "Invalid family.", { family: family.error.issues[0]?.message ?? "Invalid family." });
  const version = versionSchema.safeParse(input.version);
  if (!version.success)
    return fail("invalid", version.error.issues[0]?.message ?? "Invalid version.", { version: version.error.issues[0]?.message ?? "Invalid version." });
  const clash = await deps.db.image.findFirst({ where: { nameScope: scope, family: family.data, versionKey: versionKey(version.data) }, select: { id: true } });
  if (clash) return versionConflict(family.data, version.data);
  return ok({ family: family.data, version: version.data });
}

/**
 * Everything uploads and registration check before an image exists: who may add
 * it, its name (valid and free) and its properties. Nothing is written.
 */
export async function checkNewImage(deps: CatalogDeps, input: NewImageInput): Promise<Result<NewImage>> {
  if (!mayCreate(input.owner, input.visibility)) return fail("forbidden", "Only administrators can add platform images.");
  const parsedName = imageNameSchema.safeParse(input.name);
  if (!parsedName.success) {
    const message = parsedName.error.issues[0]?.message ?? "Invalid name.";
    return fail("invalid", message, { name: message });
  }
  const parsedProps = imagePropertiesSchema.safeParse(input.properties ?? {});
  if (!parsedProps.success) return fail("invalid", "Some values are not valid; nothing was changed.", fieldErrors(parsedProps.error));
  const name = parsedName.data;
  if (await nameTaken(deps.db, name, { visibility: input.visibility, ownerId: input.owner.id })) return nameConflict(name, input.visibility);
  const scope = nameScope(input.visibility, input.owner.id);
  const family = await checkFamily(deps, input, scope);
  if (!family.ok) return family;
  const { properties, ...fields } = parsedProps.data;
  const previous = family.value ? await previousVersion(deps.db, scope, family.value.family) : null;
  const inherited = previous ? Object.fromEntries(INHERITED.filter((key) => fields[key] === undefined).map((key) => [key, previous[key]])) : {};
  return ok({
    ownerId: input.owner.id,
    visibility: input.visibility,
    name,
    fields: {
      ...inherited,
      ...fields,
      properties: properties ? JSON.stringify(properties) : (previous?.properties ?? "{}"),
      ...(family.value ? { ...family.value, versionKey: versionKey(family.value.version) } : {}),
    },
  });
}

/**
 * Writes a checked image with its status and any extra columns (an upload row to
 * create with it, its bytes' key). A name taken meanwhile is a conflict, not a 500.
 */
export async function insertImage(
  deps: CatalogDeps,
  image: NewImage,
  data: Partial<Prisma.ImageCreateInput> & { status: InitialStatus },
): Promise<Result<{ id: string }>> {
  const created = await claimName(image.name, image.visibility, () =>
    deps.db.image.create({
      data: {
        ...image.fields,
        ...data,
        ...nameColumns(image.name, image.visibility, image.ownerId),
        visibility: image.visibility,
        owner: { connect: { id: image.ownerId } },
      },
      select: { id: true },
    }),
  );
  // Two uploads of one version that both passed the check: the unique index (scope, family, versionKey) refused the loser.
  const { family, version, versionKey: key } = image.fields;
  if (!created.ok && family && version && !(await nameTaken(deps.db, image.name, image))) {
    const clash = await deps.db.image.findFirst({
      where: { nameScope: nameScope(image.visibility, image.ownerId), family, versionKey: key },
      select: { id: true },
    });
    if (clash) return versionConflict(family, version);
  }
  return created;
}
