import type { Db } from "../db/client";
import type { Visibility } from "./image";

/**
 * Names are unique per owner among private images and across the whole
 * platform catalog, so a user never sees two platform images of one name.
 */
export async function nameTaken(db: Db, name: string, scope: { visibility: Visibility; ownerId: string }, exceptId?: string): Promise<boolean> {
  const clash = await db.image.findFirst({
    where: {
      name,
      visibility: scope.visibility,
      ...(scope.visibility === "private" ? { ownerId: scope.ownerId } : {}),
      ...(exceptId ? { id: { not: exceptId } } : {}),
    },
    select: { id: true },
  });
  return clash !== null;
}

export function nameTakenMessage(name: string, visibility: Visibility): string {
  return visibility === "private" ? `You already have an image named "${name}".` : `A platform image named "${name}" already exists.`;
}
