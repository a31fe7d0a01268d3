import fs from "node:fs";
import path from "node:path";
import type { ImageStore } from "../storage/store";

/** The whole of what the store holds under `key`, for tests that compare bytes (on disk or in a bucket alike). */
export async function storedBytes(store: ImageStore, key: string | null): Promise<Buffer> {
  if (!key) throw new Error("the image has no bytes in the store");
  const chunks: Buffer[] = [];
  for await (const chunk of store.openRead(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A file with the bytes of `key`, for tools that read files (qemu-img compare): the file a store on disk keeps it
 * in, or a copy of the object in `dir`.
 */
export async function storedFile(store: ImageStore, key: string | null, dir: string): Promise<string> {
  const source = store.source(key ?? "");
  if (source.kind === "file") return source.path;
  const copy = path.join(dir, `${key}.stored`);
  fs.writeFileSync(copy, await storedBytes(store, key));
  return copy;
}
