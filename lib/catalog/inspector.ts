import { inspectImage } from "../inspect";
import { openFileReader } from "../inspect/readers/file";
import type { InspectionReport } from "../inspect/report";

/**
 * Inspects a stored image file with lib/inspect at full depth. `fileName` is the
 * name the image arrived under, so that fix commands name the file the user has.
 */
export async function inspectStoredFile(filePath: string, fileName: string, onProgress?: (percent: number) => void): Promise<InspectionReport> {
  const reader = await openFileReader(filePath);
  try {
    return await inspectImage(reader, { depth: "full", fileName, onProgress: onProgress && ((fraction) => onProgress(fraction * 100)) });
  } finally {
    await reader.close();
  }
}
