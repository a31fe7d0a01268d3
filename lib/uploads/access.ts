import type { Actor } from "../auth/actor";
import { type Db, directReads } from "../db/client";
import { type DirectStatement, storedBigInt, storedBoolean, storedDate } from "../db/direct-reads";
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
 * An upload with its image's status, as one direct read (lib/db/direct-reads.ts): every PATCH takes it, so it goes past
 * Prisma's query compiler (docs/decisions.md, "The fixed cost of one PATCH: the hot reads past Prisma"). Every column of
 * Upload: the row below is typed as Prisma's, so a column added to the model and not read here fails to compile.
 */
const UPLOAD_WITH_STATUS: DirectStatement = {
  name: "hangar_upload_with_status",
  sql: `SELECT u."id", u."userId", u."imageId", u."fileName", u."metadata", u."length", u."offset", u."createdAt", u."lastByteAt", u."staged",
               i."status" FROM "Upload" u JOIN "Image" i ON i."id" = u."imageId" WHERE u."id" = $1`,
};

/** An upload's record with its image's status, or null (no such upload, or not an upload id). */
export async function readUpload(db: Db, id: string): Promise<UploadRecord | null> {
  if (!UPLOAD_ID.test(id)) return null;
  const row = (await directReads(db).rows(UPLOAD_WITH_STATUS, [id])).at(0);
  if (!row) return null;
  const upload: UploadRow = {
    id: String(row.id),
    userId: String(row.userId),
    imageId: String(row.imageId),
    fileName: String(row.fileName),
    metadata: String(row.metadata),
    length: storedBigInt(row.length),
    offset: storedBigInt(row.offset),
    createdAt: storedDate(row.createdAt),
    lastByteAt: storedDate(row.lastByteAt),
    staged: storedBoolean(row.staged),
  };
  return { ...upload, image: { status: String(row.status) } };
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
