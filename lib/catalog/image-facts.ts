import type { Db } from "../db/client";
import { tagsOf } from "./tags";

/** What other doors than the portal's show of an image besides lib/catalog/image.ts's Image (lib/glance). */
export interface ImageFacts {
  tags: string[];
  /** The MD5 of the bytes as uploaded through the Glance API; null when not known. */
  md5: string | null;
  /** Shared with at least one project or user. */
  shared: boolean;
}

/** The facts of images the caller already may see (it loaded them through the policy). */
export async function imageFacts(db: Pick<Db, "image" | "imageTag">, ids: string[]): Promise<Map<string, ImageFacts>> {
  const [tags, rows] = await Promise.all([
    tagsOf(db, ids),
    db.image.findMany({ where: { id: { in: ids } }, select: { id: true, md5: true, _count: { select: { shares: true } } } }),
  ]);
  return new Map(rows.map((row) => [row.id, { tags: tags.get(row.id) ?? [], md5: row.md5, shared: row._count.shares > 0 }]));
}
