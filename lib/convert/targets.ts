/** What Hangar converts to: QCOW2 (the default) or raw (HANGAR_CONVERT_TO, and `?format=` on downloads). No Node import: the API's schemas and the CLI read it. */
export const CONVERSION_TARGETS = ["qcow2", "raw"] as const;
export type ConversionTarget = (typeof CONVERSION_TARGETS)[number];
