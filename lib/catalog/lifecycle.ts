import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { type ImageStatus, STATUSES } from "./image";

interface Transition {
  from: readonly ImageStatus[];
  to: ImageStatus;
}

/**
 * Every change of an image's status, and the only ones. Each is a conditional write (the row moves only
 * while it is still in a status the transition starts from), so two writers that race (two finishes,
 * a finish and a deletion, validation and a deletion, expiry and a finish) leave one winner and a loser
 * that is told so, never a row half-moved or moved twice. Deletion is allowed from any status.
 */
export const TRANSITIONS = {
  /** The last byte is in and the bytes are in storage: they are inspected next. */
  finish: { from: ["uploading"], to: "validating" },
  /** Validation found the image fit for the cloud. */
  accept: { from: ["validating"], to: "ready" },
  /** Validation found a reason to refuse it (its report says which). */
  reject: { from: ["validating"], to: "rejected" },
  /** Out of the default lists, still usable, with a warning and its replacement (also back from obsolete). */
  deprecate: { from: ["ready", "obsolete"], to: "deprecated" },
  /** Refused for new use: no download, not FAMILY@latest, in no list unless asked; restorable. */
  obsolete: { from: ["ready", "deprecated"], to: "obsolete" },
  /** The bytes go (the caller removes them); the record stays as a tombstone naming the replacement. Final. */
  markDeleted: { from: ["ready", "deprecated", "obsolete"], to: "deleted" },
  /** Active again. */
  restore: { from: ["deprecated", "obsolete"], to: "ready" },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof TRANSITIONS;

/**
 * The statuses an image is created in: an upload waiting for its bytes, a registered file whose bytes are
 * already in storage, a published copy of a ready image.
 */
export const INITIAL_STATUSES = ["uploading", "validating", "ready"] as const satisfies readonly ImageStatus[];
export type InitialStatus = (typeof INITIAL_STATUSES)[number];

/** Columns written with a transition or while an image is in a status; the status itself only through TRANSITIONS. */
export type ImageColumns = Omit<Prisma.ImageUpdateManyMutationInput, "status">;

/** Whether an image in `status` may take the transition. */
export function allows(status: ImageStatus, name: TransitionName): boolean {
  return (TRANSITIONS[name].from as readonly ImageStatus[]).includes(status);
}

/**
 * Moves an image along a transition, writing `data` in the same statement, if it is still in a status the
 * transition starts from; `alongWith` are writes committed in the same transaction whatever the outcome.
 * False when the image was gone or had moved on: the caller lost a race and must not act as if it won.
 */
export async function transition(
  db: Db,
  id: string,
  name: TransitionName,
  data: ImageColumns = {},
  alongWith: Prisma.PrismaPromise<unknown>[] = [],
): Promise<boolean> {
  const { from, to } = TRANSITIONS[name];
  const move = db.image.updateMany({ where: { id, status: { in: [...from] } }, data: { ...data, status: to } });
  const [moved] = alongWith.length > 0 ? ((await db.$transaction([move, ...alongWith])) as [Prisma.BatchPayload]) : [await move];
  return moved.count === 1;
}

/** Writes columns (never the status) while the image is in one of `statuses` and matches `where`; false when it no longer is. */
export async function writeWhile(
  db: Db,
  id: string,
  statuses: readonly ImageStatus[],
  data: ImageColumns,
  where: Prisma.ImageWhereInput = {},
): Promise<boolean> {
  const { count } = await db.image.updateMany({ where: { ...where, id, status: { in: [...statuses] } }, data });
  return count === 1;
}

/**
 * Deletes an image's record while it is in one of `statuses` (any, by default) and matches `where`. Returns
 * the storage key it held at that moment (its bytes are the caller's to remove), or null when there was no
 * such record: a deletion that lost to another, or to a transition.
 */
export async function removeImageRecord(
  db: Db,
  id: string,
  statuses: readonly ImageStatus[] = STATUSES,
  where: Prisma.ImageWhereInput = {},
): Promise<{ storageKey: string | null } | null> {
  try {
    return await db.image.delete({ where: { id, status: { in: [...statuses] }, AND: [where] }, select: { storageKey: true } });
  } catch (error) {
    if ((error as { code?: unknown }).code === "P2025") return null;
    throw error;
  }
}
