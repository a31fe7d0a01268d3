import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { fail, ok, type Result } from "../result";
import type { Visibility } from "./image";
import { nameKey, nameScope } from "./image-name";

/**
 * Names are unique per owner among private images and across the whole
 * platform catalog, so a user never sees two platform images of one name.
 * Names that look the same (one nameKey) count as the same name.
 */
export async function nameTaken(db: Db, name: string, scope: { visibility: Visibility; ownerId: string }, exceptId?: string): Promise<boolean> {
  const clash = await db.image.findFirst({
    where: {
      nameScope: nameScope(scope.visibility, scope.ownerId),
      nameKey: nameKey(name),
      ...(exceptId ? { id: { not: exceptId } } : {}),
    },
    select: { id: true },
  });
  return clash !== null;
}

export function nameTakenMessage(name: string, visibility: Visibility): string {
  return visibility === "private" ? `You already have an image named "${name}".` : `A platform image named "${name}" already exists.`;
}

/** The conflict a taken name gives, for the form's name field; `advice` says what to do about it. */
export function nameConflict(name: string, visibility: Visibility, advice?: string) {
  const message = nameTakenMessage(name, visibility);
  return fail("conflict", advice ? `${message} ${advice}` : message, { name: message });
}

/**
 * Runs a write that gives an image `name`. nameTaken is checked first, but two
 * requests can both pass that check: the loser hits the unique index and gets
 * the same conflict, not a 500.
 */
export async function claimName<T>(name: string, visibility: Visibility, write: () => Promise<T>, advice?: string): Promise<Result<T>> {
  try {
    return ok(await write());
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return nameConflict(name, visibility, advice);
  }
}
