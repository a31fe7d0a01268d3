import fs from "node:fs/promises";

/** Bytes an unprivileged process may still write on the file system holding `dir`. */
export async function freeSpace(dir: string): Promise<number> {
  const stats = await fs.statfs(dir);
  return stats.bavail * stats.bsize;
}
