import type { InspectionReport } from "../inspect/report";

/**
 * Inspects a stored image file with lib/inspect at full depth.
 * Interim: lib/inspect's entry point (inspectImage and the file reader) has not
 * landed yet; until it does, validation records that it could not inspect.
 */
export async function inspectStoredFile(_filePath: string, _onProgress?: (percent: number) => void): Promise<InspectionReport> {
  throw new Error("the image inspector is not installed in this build");
}
