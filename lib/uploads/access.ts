import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import type { Prisma, Upload as UploadRow } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import type { UploadDeps } from "./deps";

/** Upload ids are 32 random hex digits (the tus server's own naming); anything else is not an upload. */
export const UPLOAD_ID = /^[0-9a-f]{32}$/;

/**
 * An upload record with the status of the image it fills. The record outlives the last byte (until the
 * expiry, or the image's deletion), so that a client resuming after a lost answer or a crash learns with
 * HEAD that the upload is complete, and which image it made.
 */
export type UploadRecord = UploadRow & { image: { status: string } };

/** Whether the upload received its last byte: its image moved on from "uploading" (lib/catalog/lifecycle.ts). */
export const isFinished = (upload: { image: { status: string } }): boolean => upload.image.status !== "uploading";

/** The uploads still waiting for bytes. */
export const UNFINISHED = { image: { status: "uploading" } } satisfies Prisma.UploadWhereInput;

/**
 * An upload's record with its image's status, or null (no such upload, or not an upload id). One statement while the
 * image is still "uploading", as it is for every PATCH but the last: the status is filtered on rather than read,
 * which an include would cost a second query for (Prisma loads a relation with a query of its own). A finished or
 * missing upload takes the second look.
 */
export async function readUpload(db: Db, id: string): Promise<UploadRecord | null> {
  if (!UPLOAD_ID.test(id)) return null;
  const unfinished = await db.upload.findUnique({ where: { id, ...UNFINISHED } });
  if (unfinished) return { ...unfinished, image: { status: UNFINISHED.image.status } };
  return db.upload.findUnique({ where: { id }, include: { image: { select: { status: true } } } });
}

/**
 * An upload record as `actor` may see it. An upload belongs to whoever created it: for anyone else, admins
 * included, it does not exist, so upload URLs cannot be probed.
 */
export function ownUpload(actor: Actor | null, row: UploadRecord | null): Result<UploadRecord> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (!row || row.userId !== actor.id) return fail("not_found", "No such upload: it expired, was cancelled, or is not yours.");
  return ok(row);
}

/** The upload an actor asks about (ownUpload). */
export async function uploadOf(deps: UploadDeps, actor: Actor | null, id: string): Promise<Result<UploadRecord>> {
  return ownUpload(actor, actor ? await readUpload(deps.db, id) : null);
}
