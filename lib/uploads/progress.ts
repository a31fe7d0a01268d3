import type { Db } from "../db/client";

/** Records bytes received and when, for the unfinished-uploads list and the cleanup job; false when the upload is gone. */
export async function noteProgress(db: Db, id: string, offset: number): Promise<boolean> {
  const { count } = await db.upload.updateMany({ where: { id }, data: { offset: BigInt(offset), lastByteAt: new Date() } });
  return count > 0;
}
