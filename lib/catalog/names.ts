import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { fail, ok, type Result } from "../result";
import type { Visibility } from "./image";
import { nameKey, nameScope } from "./image-name";

/** Where a name must be unique: the platform catalog, or one project (named in messages). */
export interface NameScope {
  visibility: Visibility;
  project: { id: string; name: string; kind: string } | null;
}

/** The platform catalog's scope. */
export const PLATFORM_SCOPE: NameScope = { visibility: "platform", project: null };

/**
 * Names are unique per project among private images and across the whole
 * platform catalog, so a user never sees two platform images of one name.
 * Names that look the same (one nameKey) count as the same name.
 */
export async function nameTaken(db: Pick<Db, "image">, name: string, scope: NameScope, exceptId?: string): Promise<boolean> {
  const clash = await db.image.findFirst({
    where: {
      nameScope: nameScope(scope.visibility, scope.project?.id ?? null),
      nameKey: nameKey(name),
      ...(exceptId ? { id: { not: exceptId } } : {}),
    },
    select: { id: true },
  });
  return clash !== null;
}

export function nameTakenMessage(name: string, scope: NameScope): string {
  if (scope.visibility === "platform" || !scope.project) return `A platform image named "${name}" already exists.`;
  return scope.project.kind === "personal"
    ? `You already have an image named "${name}".`
    : `The project "${scope.project.name}" already has an image named "${name}".`;
}

/** The conflict a taken name gives, for the form's name field; `advice` says what to do about it. */
export function nameConflict(name: string, scope: NameScope, advice?: string) {
  const message = nameTakenMessage(name, scope);
  return fail("conflict", advice ? `${message} ${advice}` : message, { name: message });
}

/**
 * Runs a write that gives an image `name`. nameTaken is checked first, but two
 * requests can both pass that check: the loser hits the unique index and gets
 * the same conflict, not a 500.
 */
export async function claimName<T>(name: string, scope: NameScope, write: () => Promise<T>, advice?: string): Promise<Result<T>> {
  try {
    return ok(await write());
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return nameConflict(name, scope, advice);
  }
}
