import { type KvStore, Upload } from "@tus/server";
import { recordAudit } from "../audit/record";
import type { Db } from "../db/client";
import { UPLOAD_ID } from "./access";
import { uploadRequestContext } from "./request-context";

function parseMetadata(text: string): Record<string, string | null> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, string | null>) : {};
  } catch {
    return {};
  }
}

/**
 * The tus server's record of each upload, kept in the database's Upload table
 * rather than in JSON files next to the bytes: one source of truth for tus,
 * the catalog, the quota and the cleanup job.
 */
export class UploadRecords implements KvStore<Upload> {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<Upload | undefined> {
    // The upload route read this row a moment ago to check who owns it: no second query per request.
    const known = uploadRequestContext.getStore()?.upload;
    const row = known?.id === id ? known : UPLOAD_ID.test(id) ? await this.db.upload.findUnique({ where: { id } }) : null;
    if (!row) return undefined;
    return new Upload({
      id,
      size: Number(row.length),
      offset: Number(row.offset),
      metadata: parseMetadata(row.metadata),
      creation_date: row.createdAt.toISOString(),
    });
  }

  /** The row is written with its image when the upload is created (createUpload); tus only restates it. */
  async set(id: string): Promise<void> {
    if ((await this.db.upload.count({ where: { id } })) === 0) throw new Error(`upload ${id} has no record`);
  }

  /** Termination: the image being filled goes too (its upload row with it, by cascade). */
  async delete(id: string): Promise<void> {
    const image = await this.db.image.findFirst({ where: { upload: { id }, status: "uploading" }, select: { id: true, name: true } });
    await this.db.image.deleteMany({ where: { upload: { id }, status: "uploading" } });
    const actor = uploadRequestContext.getStore()?.actor;
    if (image && actor)
      await recordAudit(this.db, actor, { action: "image.delete", object: { id: image.id, label: image.name }, after: { reason: "upload cancelled" } });
    await this.db.upload.deleteMany({ where: { id } });
  }

  async list(): Promise<string[]> {
    return (await this.db.upload.findMany({ select: { id: true } })).map((row) => row.id);
  }
}
