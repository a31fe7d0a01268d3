import type { Actor } from "../auth/actor";
import type { Upload as UploadRow } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import type { UploadDeps } from "./deps";

/** Upload ids are 32 random hex digits (the tus server's own naming); anything else is not an upload. */
export const UPLOAD_ID = /^[0-9a-f]{32}$/;

/**
 * The upload an actor asks about. An upload belongs to whoever created it: for
 * anyone else, admins included, it does not exist, so upload URLs cannot be probed.
 */
export async function uploadOf(deps: UploadDeps, actor: Actor | null, id: string): Promise<Result<UploadRow>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const row = UPLOAD_ID.test(id) ? await deps.db.upload.findUnique({ where: { id } }) : null;
  if (!row || row.userId !== actor.id) return fail("not_found", "No such upload: it finished, expired, was cancelled, or is not yours.");
  return ok(row);
}
