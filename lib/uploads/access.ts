import type { Actor } from "../auth/actor";
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
 * The upload an actor asks about. An upload belongs to whoever created it: for
 * anyone else, admins included, it does not exist, so upload URLs cannot be probed.
 */
export async function uploadOf(deps: UploadDeps, actor: Actor | null, id: string): Promise<Result<UploadRecord>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const row = UPLOAD_ID.test(id) ? await deps.db.upload.findUnique({ where: { id }, include: { image: { select: { status: true } } } }) : null;
  if (!row || row.userId !== actor.id) return fail("not_found", "No such upload: it expired, was cancelled, or is not yours.");
  return ok(row);
}
