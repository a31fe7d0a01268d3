import { blobReader, inspectImage } from "../../inspect";
import { containerLabel, convertsOnServer } from "../../inspect/convertible";
import type { Check, ImageFormat } from "../../inspect/report";

/**
 * What the browser learned from a file's first bytes, before sending any: accepted as it is, taken
 * and converted on the server (a VHD, VHDX, VDI or QED; `container` names it as the report will), or
 * refused with the checks that say why.
 */
export type Precheck =
  | { state: "accepted"; format: ImageFormat; virtualSize: number | null }
  | { state: "converted"; format: ImageFormat; container: string; virtualSize: number | null }
  | { state: "rejected"; checks: Check[] };

/**
 * Runs lib/inspect's format checks (depth "format": the first KiBs) on the
 * file in the browser: the same code the server validates with, so a wrong
 * file (ISO, zip, gzip, a VHD with a parent...) is refused with the server's
 * own message and fix command before a byte is sent, and a file the server
 * converts is taken.
 */
export async function precheckFile(file: File): Promise<Precheck> {
  const report = await inspectImage(blobReader(file), { depth: "format", fileName: file.name });
  if (report.verdict === "accepted") return { state: "accepted", format: report.format, virtualSize: report.virtualSize };
  if (convertsOnServer(report))
    return { state: "converted", format: report.format, container: containerLabel(report.format, report.subformat), virtualSize: report.virtualSize };
  return { state: "rejected", checks: report.checks.filter((check) => check.status === "fail") };
}
