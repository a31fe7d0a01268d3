import { validationBytesRead } from "../metrics/metrics";
import type { StoreReader } from "../storage/store";
import type { CatalogDeps } from "./deps";

/** A step of validation that reads stored bytes, named in the bytes-read metric. */
export type ReadStep = "format" | "conversion" | "digest";

/**
 * Runs `task` on a reader of the stored bytes of `storageKey` where they lie (a file, or ranged GETs of an S3
 * object), then closes it and counts what it brought from the store under `step`.
 */
export async function readStored<T>(deps: CatalogDeps, storageKey: string, step: ReadStep, task: (reader: StoreReader) => Promise<T>): Promise<T> {
  const reader = await deps.store.openReader(storageKey);
  try {
    return await task(reader);
  } finally {
    validationBytesRead.inc({ step }, reader.fetched());
    await reader.close();
  }
}
