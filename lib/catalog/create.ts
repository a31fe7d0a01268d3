import type { Actor } from "../auth/actor";
import type { Prisma } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import type { CatalogDeps } from "./deps";
import type { Visibility } from "./image";
import { nameColumns } from "./image-name";
import type { InitialStatus } from "./lifecycle";
import { claimName, nameConflict, nameTaken } from "./names";
import { mayCreate } from "./policy";
import { fieldErrors, imageNameSchema, type ImageProperties, imagePropertiesSchema } from "./schemas";

export interface NewImageInput {
  owner: Actor;
  visibility: Visibility;
  name: unknown;
  properties?: unknown;
}

/** A new image's checked name and properties, ready to become a row. */
export interface NewImage {
  ownerId: string;
  visibility: Visibility;
  name: string;
  fields: Omit<ImageProperties, "properties"> & { properties: string };
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
  const { properties, ...fields } = parsedProps.data;
  return ok({ ownerId: input.owner.id, visibility: input.visibility, name, fields: { ...fields, properties: JSON.stringify(properties ?? {}) } });
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
  return claimName(image.name, image.visibility, () =>
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
}
