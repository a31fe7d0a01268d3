import type { CatalogDeps } from "../catalog/deps";
import { UNFINISHED } from "./access";

/** Imports still writing: their announced length is spoken for until their last byte. */
const IMPORTING = { status: "downloading", total: { not: null } } as const;

/**
 * Bytes a new upload or import may still take from `measured` free bytes: what uploads and imports in progress
 * announced and have not written yet is spoken for, and `reserve` stays free. Infinity when nothing is measured
 * (an object store: the bucket's quota, if any, answers the writes).
 */
export async function roomForNewTransfer(deps: Pick<CatalogDeps, "db">, measured: number | null, reserve: number): Promise<number> {
  if (measured === null) return Infinity;
  const [uploads, imports] = await Promise.all([
    deps.db.upload.findMany({ where: UNFINISHED, select: { length: true, offset: true } }),
    deps.db.imageImport.findMany({ where: IMPORTING, select: { total: true, received: true } }),
  ]);
  const promised =
    uploads.reduce((sum, upload) => sum + Number(upload.length - upload.offset), 0) +
    imports.reduce((sum, entry) => sum + Math.max(0, Number((entry.total ?? 0n) - entry.received)), 0);
  return Math.max(0, measured - promised - reserve);
}
