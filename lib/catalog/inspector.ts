import { inspectImage } from "../inspect";
import { NODE_CODECS } from "../inspect/node-codecs";
import type { RandomAccessReader } from "../inspect/reader";
import { openFileReader } from "../inspect/readers/file";
import type { InspectionReport } from "../inspect/report";

/**
 * HANGAR_DIRECT_KERNEL_BOOT=1: the cloud starts instances with a kernel of its own, so an image
 * without a boot loader still boots there (boot.loader warns instead of failing). Off by default.
 */
export function directKernelBoot(env: Record<string, string | undefined> = process.env): boolean {
  return ["1", "true", "yes"].includes((env.HANGAR_DIRECT_KERNEL_BOOT ?? "").trim().toLowerCase());
}

/**
 * Inspects stored image bytes with lib/inspect at full depth, with Node's native zlib and the cloud's
 * configuration. `fileName` is the name the image arrived under, so that fix commands name the file the user has.
 */
export function inspectStoredBytes(
  reader: RandomAccessReader,
  fileName: string,
  onProgress?: (percent: number) => void,
  env: Record<string, string | undefined> = process.env,
): Promise<InspectionReport> {
  return inspectImage(reader, {
    depth: "full",
    fileName,
    onProgress: onProgress && ((fraction) => onProgress(fraction * 100)),
    directKernelBoot: directKernelBoot(env),
    codecs: NODE_CODECS,
  });
}

/** A file inspected as a stored image is (the CLI's check before an upload, tests). */
export async function inspectStoredFile(
  filePath: string,
  fileName: string,
  onProgress?: (percent: number) => void,
  env: Record<string, string | undefined> = process.env,
): Promise<InspectionReport> {
  const reader = await openFileReader(filePath);
  try {
    return await inspectStoredBytes(reader, fileName, onProgress, env);
  } finally {
    await reader.close();
  }
}
