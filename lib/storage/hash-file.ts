import { createHash } from "node:crypto";
import fs from "node:fs";
import type { Readable } from "node:stream";

/** sha256 and size of a file, streamed so that memory stays flat for any size. */
export function hashFile(filePath: string): Promise<{ sha256: string; size: number }> {
  return hashBytes(fs.createReadStream(filePath, { highWaterMark: 1 << 20 }));
}

/** The SHA-256 of a stream's bytes (an image read once from its store). */
export async function hashStream(stream: Readable): Promise<string> {
  return (await hashBytes(stream)).sha256;
}

async function hashBytes(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}
