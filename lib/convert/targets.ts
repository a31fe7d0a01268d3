/** What Hangar converts uploads to: QCOW2 (the default) or raw (HANGAR_CONVERT_TO). No Node import: the API's schemas and the CLI read it. */
export const CONVERSION_TARGETS = ["qcow2", "raw"] as const;
export type ConversionTarget = (typeof CONVERSION_TARGETS)[number];

/** What an image can be downloaded as (`?format=`, `hangar download --format`): the conversion targets and a streamOptimized VMDK, for VMware and OVF. */
export const EXPORT_TARGETS = [...CONVERSION_TARGETS, "vmdk"] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** How the portal names each export. */
export const EXPORT_LABELS: Record<ExportTarget, string> = { qcow2: "QCOW2", raw: "raw", vmdk: "VMDK" };
