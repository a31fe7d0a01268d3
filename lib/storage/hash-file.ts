import { createHash } from "node:crypto";
import fs from "node:fs";

/** sha256 and size of a file, streamed so that memory stays flat for any size. */
export async function hashFile(filePath: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}
