import type { ImageStore } from "../storage/store";

/** The whole of what the store holds under `key`, for tests that compare bytes (on disk or in a bucket alike). */
export async function storedBytes(store: ImageStore, key: string | null): Promise<Buffer> {
  if (!key) throw new Error("the image has no bytes in the store");
  const chunks: Buffer[] = [];
  for await (const chunk of store.openRead(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The file a store on disk keeps `key` in, for tools that read files (qemu-img compare). */
export function storedFile(store: ImageStore, key: string | null): string {
  const source = store.source(key ?? "");
  if (source.kind !== "file") throw new Error(`${key} is not in a file: the store is ${source.kind}`);
  return source.path;
}
