import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/actor";
import type { Prisma } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import type { CatalogDeps } from "./deps";
import { previousVersion } from "./families";
import { PROPERTY_COLUMNS, type Visibility } from "./image";
import { nameColumns, nameScope } from "./image-name";
import type { InitialStatus } from "./lifecycle";
import { claimName, nameConflict, type NameScope, nameTaken } from "./names";
import { defaultProjectId } from "../projects/personal";
import { loadProjectFor, refusePlatformAddition } from "./project-access";
import { fieldErrors, imageNameSchema, type ImageProperties, imagePropertiesSchema } from "./schemas";
import { familySchema, versionKey, versionSchema } from "./version-order";

/**
 * Where a new image goes: the platform catalog, or a project. A null project is the creator's
 * default: the project their token is limited to, else their personal project.
 */
export type NewImageTarget = { visibility: "platform" } | { visibility: "private"; projectId: string | null };

export interface NewImageInput {
  creator: Actor;
  target: NewImageTarget;
  name: unknown;
  properties?: unknown;
  /** To add the image as a version of a family: both, or neither. */
  family?: unknown;
  version?: unknown;
}

/** The project a new private image goes into, with what its quota needs. */
export interface TargetProject {
  id: string;
  name: string;
  kind: string;
  quotaBytes: bigint | null;
}

/** A new image's checked place, name and properties, ready to become a row. */
export interface NewImage {
  /** Who adds it: its createdBy, and the actor its audit event names. */
  creator: Actor;
  visibility: Visibility;
  project: TargetProject | null;
  name: string;
  fields: Omit<ImageProperties, "properties"> & { properties: string; family?: string; version?: string; versionKey?: string };
}

/** The properties a new version starts from: those it was given, and the previous version's for every one it was not. */

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

const nameScopeOf = (image: Pick<NewImage, "visibility" | "project">): NameScope => ({ visibility: image.visibility, project: image.project });

/** The project a private image goes into, if the creator may add images there. */
async function targetProject(deps: CatalogDeps, creator: Actor, projectId: string | null): Promise<Result<TargetProject>> {
  const id = projectId ?? (await defaultProjectId(deps.db, creator));
  const loaded = await loadProjectFor(deps, creator, "upload", id);
  if (!loaded.ok) return loaded;
  return ok({ id, name: loaded.value.name, kind: loaded.value.kind, quotaBytes: loaded.value.quotaBytes });
}

/**
 * Everything uploads and registration check before an image exists: who may add
 * it where, its name (valid and free there) and its properties. Nothing is written.
 */
export async function checkNewImage(deps: CatalogDeps, input: NewImageInput): Promise<Result<NewImage>> {
  const { creator, target } = input;
  let project: TargetProject | null = null;
  if (target.visibility === "platform") {
    const refused = refusePlatformAddition(creator);
    if (refused) return refused;
  } else {
    const found = await targetProject(deps, creator, target.projectId);
    if (!found.ok) return found;
    project = found.value;
  }
  const parsedName = imageNameSchema.safeParse(input.name);
  if (!parsedName.success) {
    const message = parsedName.error.issues[0]?.message ?? "Invalid name.";
    return fail("invalid", message, { name: message });
  }
  const parsedProps = imagePropertiesSchema.safeParse(input.properties ?? {});
  if (!parsedProps.success) return fail("invalid", "Some values are not valid; nothing was changed.", fieldErrors(parsedProps.error));
  const name = parsedName.data;
  const where = nameScopeOf({ visibility: target.visibility, project });
  if (await nameTaken(deps.db, name, where)) return nameConflict(name, where);
  const scope = nameScope(target.visibility, project?.id ?? null);
  const family = await checkFamily(deps, input, scope);
  if (!family.ok) return family;
  const { properties, ...fields } = parsedProps.data;
  const previous = family.value ? await previousVersion(deps.db, scope, family.value.family) : null;
  const inherited = previous ? Object.fromEntries(PROPERTY_COLUMNS.filter((key) => fields[key] === undefined).map((key) => [key, previous[key]])) : {};
  return ok({
    creator,
    visibility: target.visibility,
    project,
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
  action: "image.upload" | "image.register",
): Promise<Result<{ id: string }>> {
  const project = image.project?.id ?? null;
  const created = await claimName(image.name, nameScopeOf(image), () =>
    deps.db.$transaction(async (tx) => {
      const row = await tx.image.create({
        data: {
          ...image.fields,
          ...data,
          ...nameColumns(image.name, image.visibility, project),
          visibility: image.visibility,
          ...(project ? { project: { connect: { id: project } } } : {}),
          createdBy: { connect: { id: image.creator.id } },
        },
        select: { id: true },
      });
      const { family, version } = image.fields;
      const after = {
        name: image.name,
        visibility: image.visibility,
        status: data.status,
        fileSize: data.fileSize,
        sourceFileName: data.sourceFileName,
        family,
        version,
      };
      await recordAudit(tx, image.creator, { action, objectId: row.id, projectId: project, after });
      return row;
    }),
  );
  // Two uploads of one version that both passed the check: the unique index (scope, family, versionKey) refused the loser.
  const { family, version, versionKey: key } = image.fields;
  if (!created.ok && family && version && !(await nameTaken(deps.db, image.name, nameScopeOf(image)))) {
    const clash = await deps.db.image.findFirst({
      where: { nameScope: nameScope(image.visibility, image.project?.id ?? null), family, versionKey: key },
      select: { id: true },
    });
    if (clash) return versionConflict(family, version);
  }
  return created;
}
