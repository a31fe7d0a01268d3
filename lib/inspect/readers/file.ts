import { open, type FileHandle } from "node:fs/promises";
import type { RandomAccessReader } from "../reader";

export interface FileReader extends RandomAccessReader {
  readonly path: string;
  readInto(offset: number, target: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens `path` read-only for inspection (Node only). The size is taken once
 * at open; reads past it return nothing, so a file that grows while it is
 * inspected is seen as it was. Call close() when done.
 */
export async function openFileReader(path: string): Promise<FileReader> {
  const handle: FileHandle = await open(path, "r");
  let size: number;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
    size = stat.size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  const readInto = async (offset: number, target: Uint8Array) => {
    if (offset < 0 || offset >= size) return 0;
    const want = Math.min(target.length, size - offset);
    let done = 0;
    while (done < want) {
      const { bytesRead } = await handle.read(target, done, want - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  };
  return {
    path,
    size,
    async read(offset, length) {
      if (offset < 0 || length <= 0 || offset >= size) return new Uint8Array(0);
      const buffer = new Uint8Array(Math.min(length, size - offset));
      const done = await readInto(offset, buffer);
      return done === buffer.length ? buffer : buffer.subarray(0, done);
    },
    readInto,
    close: () => handle.close(),
  };
}
