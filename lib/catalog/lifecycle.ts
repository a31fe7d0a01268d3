import { type AuditActor, type AuditEntry, changedFields, recordAudit } from "../audit/record";
import type { Db } from "../db/client";
import { isRecordGone } from "../db/errors";
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
  /** Its bytes never came: an import into an image that was waiting for them (Glance's web-download) failed; its report says why. */
  abandon: { from: ["uploading"], to: "rejected" },
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
 * What the audit trail records of a conditional write (lib/audit), in the write's transaction and only when
 * it happened: who, the action, the image's project, and the row's values before of the fields audited
 * (those of the write that differ from them are recorded; the write's other columns, such as storage
 * keys, are not).
 */
export interface WriteAudit {
  actor: AuditActor;
  action: AuditEntry["action"];
  projectId: string | null;
  before: Record<string, unknown>;
}

export interface WriteOptions {
  /** Writes committed in the same transaction whatever the outcome. */
  alongWith?: Prisma.PrismaPromise<unknown>[];
  audit?: WriteAudit;
}

async function writeIf(db: Db, id: string, where: Prisma.ImageWhereInput, data: Prisma.ImageUpdateManyMutationInput, options: WriteOptions): Promise<boolean> {
  const { alongWith = [], audit } = options;
  if (!audit) {
    const move = db.image.updateMany({ where, data });
    const [moved] = alongWith.length > 0 ? ((await db.$transaction([move, ...alongWith])) as [Prisma.BatchPayload]) : [await move];
    return moved.count === 1;
  }
  if (alongWith.length > 0) throw new Error("an audited write takes no batch writes along");
  return db.$transaction(async (tx) => {
    const { count } = await tx.image.updateMany({ where, data });
    const written = Object.fromEntries(Object.entries(data).filter(([key]) => key in audit.before));
    const changed = count === 1 ? changedFields(audit.before, written) : null;
    if (changed) await recordAudit(tx, audit.actor, { action: audit.action, objectId: id, projectId: audit.projectId, ...changed });
    return count === 1;
  });
}

/**
 * Moves an image along a transition, writing `data` in the same statement, if it is still in a status the
 * transition starts from; with `alongWith` (writes committed in the same transaction whatever the outcome)
 * and `audit` (the event recorded with it when it moved).
 * False when the image was gone or had moved on: the caller lost a race and must not act as if it won.
 */
export async function transition(db: Db, id: string, name: TransitionName, data: ImageColumns = {}, options: WriteOptions = {}): Promise<boolean> {
  const { from, to } = TRANSITIONS[name];
  return writeIf(db, id, { id, status: { in: [...from] } }, { ...data, status: to }, options);
}

/** Writes columns (never the status) while the image is in one of `statuses` and matches `where`; false when it no longer is. */
export async function writeWhile(
  db: Db,
  id: string,
  statuses: readonly ImageStatus[],
  data: ImageColumns,
  where: Prisma.ImageWhereInput = {},
  audit?: WriteAudit,
): Promise<boolean> {
  return writeIf(db, id, { ...where, id, status: { in: [...statuses] } }, data, { audit });
}

/**
 * Deletes an image's record while it is in one of `statuses` (any, by default) and matches `where`. Returns
 * the storage key it held at that moment (its bytes are the caller's to remove), or null when there was no
 * such record: a deletion that lost to another, or to a transition.
 */
export async function removeImageRecord(
  db: Db | Prisma.TransactionClient,
  id: string,
  statuses: readonly ImageStatus[] = STATUSES,
  where: Prisma.ImageWhereInput = {},
): Promise<{ storageKey: string | null } | null> {
  try {
    return await db.image.delete({ where: { id, status: { in: [...statuses] }, AND: [where] }, select: { storageKey: true } });
  } catch (error) {
    if (isRecordGone(error)) return null;
    throw error;
  }
}
