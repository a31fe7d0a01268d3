import { CHECK_IDS } from "./checks/format-checks";
import { isConvertibleFormat } from "./disk/open-guest-disk";
import type { StoredReport } from "./report";

/**
 * Whether Hangar converts the inspected image on the server instead of refusing it: a format it
 * converts from (VHD fixed or dynamic, VHDX, VDI, QED), judged structurally safe (format.safe passed:
 * no parent, no reference outside the file) and intact (format.integrity did not fail), and refused
 * for nothing but its container (format.supported). The server decides with it after an upload, the
 * browser and the CLI before one, so that all three agree.
 */
export function convertsOnServer(report: StoredReport): boolean {
  if (!report.format || !isConvertibleFormat(report.format)) return false;
  const safe = report.checks.find((check) => check.id === CHECK_IDS.safe);
  if (safe?.status !== "pass" && safe?.status !== "warn") return false;
  return report.checks.every((check) => check.id === CHECK_IDS.supported || check.status !== "fail");
}

/** "VHD (dynamic)": a container as reports and messages name it. */
export const containerLabel = (format: string, subformat?: string | null): string => `${format.toUpperCase()}${subformat ? ` (${subformat})` : ""}`;
