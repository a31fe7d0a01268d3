import type { Actor } from "../auth/actor";
import { checkNewImage, insertImage } from "../catalog/create";
import { removeImageRecord } from "../catalog/lifecycle";
import { fail, ok, type Result } from "../result";
import type { UploadDeps } from "./deps";
import { tooLargeMessage } from "./messages";
import { parseUploadMetadata } from "./metadata";
import { checkRoom } from "./room";

export interface CreateUploadInput {
  /** The random id the tus server chose; also the partial file's name. */
  id: string;
  /** Upload-Length; null when the client deferred it. */
  length: number | null;
  metadata: Record<string, string | null> | undefined;
}

/**
 * Checks a new upload against every limit before its first byte (size, name,
 * quota, free disk) and creates its image (status "uploading", so the name is
 * reserved and the quota counts it) with the upload record, in one write.
 */
export async function createUpload(deps: UploadDeps, actor: Actor | null, input: CreateUploadInput): Promise<Result<{ imageId: string }>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const { length } = input;
  if (length === null) return fail("invalid", "Declare the file's length (Upload-Length): Hangar checks size, quota and disk space before the first byte.");
  const request = parseUploadMetadata(input.metadata);
  if (!request.ok) return request;
  const { name, fileName, visibility, projectId, sha256, properties, family, version } = request.value;
  const { maxImageSize } = deps.config;
  if (length > maxImageSize) return fail("too_large", tooLargeMessage(length, maxImageSize));

  const target = visibility === "platform" ? ({ visibility } as const) : ({ visibility, projectId } as const);
  const checked = await checkNewImage(deps, { creator: actor, target, name, properties, family, version });
  if (!checked.ok) return checked;

  const room = await checkRoom(deps, checked.value.project, length);
  if (!room.ok) return room;

  const created = await insertImage(
    deps,
    checked.value,
    {
      status: "uploading",
      fileSize: BigInt(length),
      declaredSha256: sha256,
      sourceFileName: fileName,
      upload: {
        create: { id: input.id, user: { connect: { id: actor.id } }, fileName, length: BigInt(length), metadata: JSON.stringify(input.metadata ?? {}) },
      },
    },
    "image.upload",
  );
  return created.ok ? ok({ imageId: created.value.id }) : created;
}

/**
 * Undoes a creation whose request failed after its records were written (its first bytes refused for
 * being longer than declared, the client gone mid-body): nothing of it may remain, not the name, the
 * quota it held, nor a partial file. Unless a finish already claimed the bytes, which then stand.
 */
export async function discardCreatedUpload(deps: UploadDeps, { id, imageId }: { id: string; imageId: string }): Promise<void> {
  if (!(await removeImageRecord(deps.db, imageId, ["uploading"], { storageKey: null }))) return;
  await deps.area.discard(id);
}
