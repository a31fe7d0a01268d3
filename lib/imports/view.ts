import { z } from "zod";
import type { ImageImport } from "../db/generated/client";

export const IMPORT_STATUSES = ["downloading", "finishing", "done", "failed", "cancelled"] as const;

/** An import as its owner sees it (API, CLI, the upload tray); the OpenAPI document shows this schema. */
export const importViewSchema = z.object({
  id: z.string(),
  imageId: z.string().nullable().meta({ description: "The image it fills; null once a failed or cancelled import removed it." }),
  url: z.string(),
  fileName: z.string(),
  status: z
    .enum(IMPORT_STATUSES)
    .meta({ description: "`downloading`, then `finishing` (handed to validation as an upload is), `done`; or `failed`, `cancelled`." }),
  message: z.string().nullable().meta({ description: "Why it failed." }),
  received: z.number().int().min(0).meta({ description: "Bytes of the file as published (compressed) received, as of the last progress note." }),
  total: z.number().int().min(0).nullable().meta({ description: "The file's length, when the server said." }),
  packing: z.string().nullable().meta({ description: "What was unpacked: `xz`, `gzip+tar`..., once known." }),
  checksum: z.string().nullable().meta({ description: "The checksum verified: `sha256:HEX` or `sha512:HEX`." }),
  attempts: z.number().int().min(0).meta({ description: "Connections that broke and were resumed." }),
  createdAt: z.iso.datetime(),
});

export type ImportView = z.output<typeof importViewSchema>;

export function importView(row: ImageImport): ImportView {
  return {
    id: row.id,
    imageId: row.imageId,
    url: row.url,
    fileName: row.fileName,
    status: row.status as ImportView["status"],
    message: row.message,
    received: Number(row.received),
    total: row.total === null ? null : Number(row.total),
    packing: row.packing,
    checksum: row.checksum,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
  };
}
