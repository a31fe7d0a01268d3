import { type KvStore, Upload } from "@tus/server";
import { removeImageRecord } from "../catalog/lifecycle";
import type { Db } from "../db/client";
import { isFinished, readUpload, UPLOAD_ID, type UploadRecord } from "./access";
import { uploadRequestContext } from "./request-context";

function parseMetadata(text: string): Record<string, string | null> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, string | null>) : {};
  } catch {
    return {};
  }
}

/** An upload as tus sees it; a finished one is complete (its offset is its length). */
export function tusUpload(row: UploadRecord): Upload {
  return new Upload({
    id: row.id,
    size: Number(row.length),
    offset: isFinished(row) ? Number(row.length) : Number(row.offset),
    metadata: parseMetadata(row.metadata),
    creation_date: row.createdAt.toISOString(),
  });
}

/**
 * An upload as tus sees it: a finished one from its record (its bytes moved into image storage, so the upload
 * area has nothing to measure), an unfinished one as the upload area measures it (`read`).
 */
export async function measuredUpload(records: UploadRecords, id: string, read: () => Promise<Upload>): Promise<Upload> {
  const row = await records.record(id);
  if (row && isFinished(row)) return tusUpload(row);
  try {
    return await read();
  } catch (error) {
    // A finish (the cleanup job's, after a restart, or another node's) moved the bytes between the two reads.
    const now = await records.record(id, { fresh: true });
    if (now && isFinished(now)) return tusUpload(now);
    throw error;
  }
}

/**
 * The tus server's record of each upload, kept in the database's Upload table
 * rather than in JSON files next to the bytes: one source of truth for tus,
 * the catalog, the quota and the cleanup job.
 */
export class UploadRecords implements KvStore {
  constructor(private readonly db: Db) {}

  /** The record of an upload, with its image's status; `fresh` reads it again rather than take the request's copy. */
  async record(id: string, { fresh = false } = {}): Promise<UploadRecord | null> {
    // The upload route read this row a moment ago to check who owns it: no second query per request.
    const known = uploadRequestContext.getStore()?.upload;
    if (known?.id === id && !fresh) return known;
    return readUpload(this.db, id);
  }

  async get(id: string): Promise<Upload | undefined> {
    const row = await this.record(id);
    return row ? tusUpload(row) : undefined;
  }

  /** The row is written with its image when the upload is created (createUpload); tus only restates it. */
  async set(id: string): Promise<void> {
    if ((await this.db.upload.count({ where: { id } })) === 0) throw new Error(`upload ${id} has no record`);
  }

  /**
   * Termination: the image being filled goes, and its upload row with it (by cascade); not once a finish
   * has claimed its bytes, which then wins.
   */
  async delete(id: string): Promise<void> {
    const row = UPLOAD_ID.test(id) ? await this.db.upload.findUnique({ where: { id }, select: { imageId: true } }) : null;
    if (row) await removeImageRecord(this.db, row.imageId, ["uploading"], { storageKey: null });
  }

  async list(): Promise<string[]> {
    return (await this.db.upload.findMany({ select: { id: true } })).map((row) => row.id);
  }
}
