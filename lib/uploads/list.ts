import { z } from "zod";
import type { Actor } from "../auth/actor";
import type { Upload as UploadRow } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import { UNFINISHED, uploadOf } from "./access";
import type { UploadDeps } from "./deps";
import { UPLOAD_PATH } from "./protocol";

/** An unfinished upload as its owner (the browser, the CLI) sees it; the OpenAPI document shows this schema. */
export const unfinishedUploadSchema = z.object({
  id: z.string(),
  url: z.string().meta({ description: "The upload URL to resume with: HEAD for the offset, then PATCH from there." }),
  imageId: z.string(),
  fileName: z.string(),
  length: z.number().int().min(0),
  offset: z.number().int().min(0).meta({ description: "Bytes received as of the last progress note; HEAD gives the exact figure." }),
  metadata: z
    .record(z.string(), z.string())
    .meta({ description: "The Upload-Metadata the upload was created with, to resume with the same name and properties." }),
  createdAt: z.iso.datetime(),
  lastByteAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().meta({ description: "When the cleanup job removes it unless more bytes arrive." }),
});

export type UnfinishedUpload = z.output<typeof unfinishedUploadSchema>;

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
  const rows = await deps.db.upload.findMany({ where: { ...UNFINISHED, userId: actor.id }, orderBy: { createdAt: "desc" } });
  return ok(rows.map((row) => toUnfinishedUpload(deps, row)));
}

/** One of the actor's unfinished uploads. */
export async function getUnfinishedUpload(deps: UploadDeps, actor: Actor | null, id: string): Promise<Result<UnfinishedUpload>> {
  const row = await uploadOf(deps, actor, id);
  return row.ok ? ok(toUnfinishedUpload(deps, row.value)) : row;
}
