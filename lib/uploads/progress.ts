import type { Db } from "../db/client";

const NOTE_EVERY_MS = 2000;
const lastNote = new Map<string, number>();

/**
 * Records bytes received and when, for the unfinished-uploads list and the
 * cleanup job; false when the upload is gone. At most one write per upload
 * every two seconds unless `force`d: a database commit per small PATCH would
 * cost more than the PATCH itself.
 */
export async function noteProgress(db: Db, id: string, offset: number, { force = false } = {}): Promise<boolean> {
  const now = Date.now();
  if (!force && now - (lastNote.get(id) ?? 0) < NOTE_EVERY_MS) return true;
  lastNote.set(id, now);
  const { count } = await db.upload.updateMany({ where: { id }, data: { offset: BigInt(offset), lastByteAt: new Date(now) } });
  if (count === 0) lastNote.delete(id);
  return count > 0;
}

/** Forgets an upload's timing once it finished or went away. */
export function forgetProgress(id: string): void {
  lastNote.delete(id);
}
