import type { InspectionReport } from "../inspect/report";
import { ARCHITECTURES, FIRMWARES, OS_TYPES } from "./image";
import { imagePropertiesSchema } from "./schemas";

const GiB = 1024 ** 3;

/** The image columns validation may fill; the uploader's own values are never replaced. */
export interface PrefillTarget {
  osType: string | null;
  osDistro: string | null;
  osVersion: string | null;
  architecture: string | null;
  firmware: string | null;
  minDiskGiB: number | null;
}

const oneOf = <T extends string>(choices: readonly T[], value: string | null | undefined): T | null =>
  value && (choices as readonly string[]).includes(value) ? (value as T) : null;

// A guest that boots both ways (hybrid images) is described as bios: it runs on every host.
function firmwareOf(firmware: readonly string[]): string | null {
  if (firmware.includes("bios")) return "bios";
  return oneOf(FIRMWARES, firmware[0]);
}

/**
 * What an inspection report says about the image, as column values: facts of
 * the file (format, virtual size) always, and the guest's properties (OS,
 * version, architecture, firmware, minimum disk) only where the image has none.
 */
export function columnsFromReport(report: Partial<InspectionReport>, current: PrefillTarget): Record<string, string | number | bigint | null> {
  const columns: Record<string, string | number | bigint | null> = {};
  if (report.format) columns.diskFormat = report.format;
  if (typeof report.virtualSize === "number") columns.virtualSize = BigInt(report.virtualSize);

  const guest = report.guest;
  const found: PrefillTarget = {
    osType: oneOf(OS_TYPES, guest?.osType),
    osDistro: guest?.distro?.toLowerCase() ?? null,
    osVersion: guest?.version ?? null,
    architecture: oneOf(ARCHITECTURES, guest?.arch),
    firmware: guest ? firmwareOf(guest.firmware) : null,
    minDiskGiB: guest && typeof report.virtualSize === "number" ? Math.ceil(report.virtualSize / GiB) : null,
  };
  for (const key of Object.keys(found) as (keyof PrefillTarget)[]) {
    if (current[key] !== null || found[key] === null) continue;
    // Whatever the guest says goes through the same checks as a value a user types.
    const parsed = imagePropertiesSchema.safeParse({ [key]: found[key] });
    if (parsed.success && parsed.data[key] !== undefined) columns[key] = parsed.data[key] ?? null;
  }
  return columns;
}
