import { runDiskTask } from "../convert/run-disk-task";
import type { FormatInfo, StoredReport } from "../inspect/report";
import { conversionLimits } from "./conversion";
import type { CatalogDeps } from "./deps";
import { readStored } from "./read-stored";

/** Whether a stored report says what the file is (an inspection that ran, not only why it could not). */
export const hasFormatInfo = (report: StoredReport): report is StoredReport & FormatInfo =>
  report.format !== undefined && report.virtualSize !== undefined && report.fileSize !== undefined;

/**
 * The virtual-disk digest of a stored image the inspector accepted (lib/convert/digest.ts), read through its
 * own tables on a worker thread, within the conversions' limits. Rejects when the bytes cannot be read, or
 * with an InspectError when its tables refuse a read.
 */
export async function digestStoredImage(deps: CatalogDeps, storageKey: string, info: FormatInfo, onProgress: (fraction: number) => void): Promise<string> {
  return readStored(
    deps,
    storageKey,
    "digest",
    async (reader) => (await runDiskTask(reader, { kind: "digest", info }, onProgress, undefined, conversionLimits())).digest,
  );
}

/** Writes an image's digest to its disk record; an image deleted meanwhile has none to write to, which is not an error. */
export async function recordDigest(deps: CatalogDeps, imageId: string, digest: string): Promise<void> {
  try {
    await deps.db.imageDisk.upsert({ where: { imageId }, create: { imageId, digest }, update: { digest } });
  } catch (error) {
    if (!(error as { code?: unknown }).code) throw error;
  }
}
