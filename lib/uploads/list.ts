import type { Actor } from "../auth/actor";
import type { Upload as UploadRow } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import { uploadOf } from "./access";
import type { UploadDeps } from "./deps";
import { UPLOAD_PATH } from "./endpoint";

/** An unfinished upload as its owner (the browser, the CLI) sees it. */
export interface UnfinishedUpload {
  id: string;
  /** The tus upload URL to resume with (HEAD, then PATCH from its offset). */
  url: string;
  imageId: string;
  fileName: string;
  length: number;
  /** Bytes received, as of the last progress note (HEAD gives the exact figure). */
  offset: number;
  /** The Upload-Metadata the client created it with, to resume with the same name and properties. */
  metadata: Record<string, string>;
  createdAt: string;
  lastByteAt: string;
  /** When the cleanup job removes it unless more bytes arrive. */
  expiresAt: string;
}

function metadataOf(text: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== "object") return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  } catch {
    return {};
  }
}

export function toUnfinishedUpload(deps: UploadDeps, row: UploadRow): UnfinishedUpload {
  return {
    id: row.id,
    url: `${UPLOAD_PATH}/${row.id}`,
    imageId: row.imageId,
    fileName: row.fileName,
    length: Number(row.length),
    offset: Number(row.offset),
    metadata: metadataOf(row.metadata),
    createdAt: row.createdAt.toISOString(),
    lastByteAt: row.lastByteAt.toISOString(),
    expiresAt: new Date(row.lastByteAt.getTime() + deps.config.expiryMs).toISOString(),
  };
}

/** The actor's own uploads that have not received their last byte, newest first. */
export async function listUnfinishedUploads(deps: UploadDeps, actor: Actor | null): Promise<Result<UnfinishedUpload[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const rows = await deps.db.upload.findMany({ where: { userId: actor.id }, orderBy: { createdAt: "desc" } });
  return ok(rows.map((row) => toUnfinishedUpload(deps, row)));
}

/** One of the actor's unfinished uploads. */
export async function getUnfinishedUpload(deps: UploadDeps, actor: Actor | null, id: string): Promise<Result<UnfinishedUpload>> {
  const row = await uploadOf(deps, actor, id);
  return row.ok ? ok(toUnfinishedUpload(deps, row.value)) : row;
}
