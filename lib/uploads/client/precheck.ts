import { blobReader, inspectImage } from "../../inspect";
import type { Check, ImageFormat } from "../../inspect/report";

/** What the browser learned from a file's first bytes, before sending any. */
export type Precheck = { state: "accepted"; format: ImageFormat; virtualSize: number | null } | { state: "rejected"; checks: Check[] };

/**
 * Runs lib/inspect's format checks (depth "format": the first KiBs) on the
 * file in the browser: the same code the server validates with, so a wrong
 * file (VHD, ISO, zip, gzip...) is refused with the server's own message and
 * fix command before a byte is sent.
 */
export async function precheckFile(file: File): Promise<Precheck> {
  const report = await inspectImage(blobReader(file), { depth: "format", fileName: file.name });
  if (report.verdict === "accepted") return { state: "accepted", format: report.format, virtualSize: report.virtualSize };
  return { state: "rejected", checks: report.checks.filter((check) => check.status === "fail") };
}
