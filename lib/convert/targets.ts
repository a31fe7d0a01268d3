/** What Hangar converts uploads to: QCOW2 (the default) or raw (HANGAR_CONVERT_TO). No Node import: the API's schemas and the CLI read it. */
export const CONVERSION_TARGETS = ["qcow2", "raw"] as const;
export type ConversionTarget = (typeof CONVERSION_TARGETS)[number];

/** What an image can be downloaded as (`?format=`, `hangar download --format`): the conversion targets and a streamOptimized VMDK, for VMware and OVF. */
export const EXPORT_TARGETS = [...CONVERSION_TARGETS, "vmdk"] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** How the portal names each export. */
const EXPORT_LABELS: Record<ExportTarget, string> = { qcow2: "QCOW2", raw: "raw", vmdk: "VMDK" };

/**
 * How an export's clusters may be compressed (`?compression=`, `hangar download --compress`): zlib, as
 * `qemu-img convert -c` writes a QCOW2. Only QCOW2 takes it: a VMDK export's grains always are deflated.
 */
export const EXPORT_COMPRESSIONS = ["zlib"] as const;
export type ExportCompression = (typeof EXPORT_COMPRESSIONS)[number];
export const COMPRESSIBLE_TARGETS = ["qcow2"] as const satisfies readonly ExportTarget[];
export const isCompressible = (format: string | undefined): boolean => (COMPRESSIBLE_TARGETS as readonly string[]).includes(format ?? "");

/** One export of an image's disk: a format, and for QCOW2 optionally compressed clusters. */
export interface ExportRequest {
  format: ExportTarget;
  compression?: ExportCompression;
}

/** An export's name among the others (its kept file's suffix, its ETag's): "qcow2", "qcow2-zlib". */
export const exportName = ({ format, compression }: ExportRequest): string => (compression ? `${format}-${compression}` : format);

/** An export's query string (`?format=qcow2&compression=zlib`). */
export const exportQuery = ({ format, compression }: ExportRequest): string => `?${new URLSearchParams({ format, ...(compression ? { compression } : {}) })}`;

/** The portal's download choices besides the file as stored, as its Download menu lists them. */
export const EXPORT_CHOICES: readonly { request: ExportRequest; label: string }[] = [
  ...EXPORT_TARGETS.map((format) => ({ request: { format }, label: EXPORT_LABELS[format] })),
  { request: { format: "qcow2", compression: "zlib" }, label: "QCOW2, compressed (smaller, slower)" },
];

/** Every export's name. */
export const EXPORT_NAMES: readonly string[] = [
  ...EXPORT_TARGETS,
  ...COMPRESSIBLE_TARGETS.flatMap((format) => EXPORT_COMPRESSIONS.map((compression) => exportName({ format, compression }))),
];
