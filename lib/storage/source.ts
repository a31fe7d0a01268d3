import { openFileReader } from "../inspect/readers/file";
import type { StoredSource, StoreReader } from "./store";

/** A file's reader that counts the bytes it reads. */
export async function openCountedFile(filePath: string): Promise<StoreReader> {
  const file = await openFileReader(filePath);
  let fetched = 0;
  return {
    size: file.size,
    async read(offset, length) {
      const bytes = await file.read(offset, length);
      fetched += bytes.length;
      return bytes;
    },
    async readInto(offset, target) {
      const done = await file.readInto(offset, target);
      fetched += done;
      return done;
    },
    fetched: () => fetched,
    close: () => file.close(),
  };
}

/**
 * Opens the reader matching `source`: the file, or the object through ranged GETs and a block cache on a client of
 * its own. The AWS SDK is loaded only for an object: a worker that reads files does not evaluate it.
 */
export async function openSource(source: StoredSource): Promise<StoreReader> {
  if (source.kind === "file") return openCountedFile(source.path);
  const [{ createS3Client }, { openS3Reader }] = await Promise.all([import("./s3-client"), import("./s3-reader")]);
  const client = createS3Client(source.config);
  try {
    const reader = await openS3Reader(client, source.config.bucket, source.objectKey);
    return {
      ...reader,
      close() {
        client.destroy();
        return Promise.resolve();
      },
    };
  } catch (error) {
    client.destroy();
    throw error;
  }
}
