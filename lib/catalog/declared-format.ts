import { defineOutcomes } from "../inspect/codes";
import { FORMATS } from "../inspect/formats/registry";
import type { Check, ImageFormat } from "../inspect/report";

/**
 * The disk formats a client may declare for bytes it is about to send (Glance's disk_format): those Hangar
 * stores (raw, QCOW2, VMDK) and those it converts on the server (VHD, VHDX, VDI). Inspection decides what
 * the bytes are; a declaration that disagrees rejects the image (declaredFormatCheck).
 */
export const DECLARABLE_FORMATS = ["raw", "qcow2", "vmdk", "vhd", "vhdx", "vdi"] as const satisfies readonly ImageFormat[];
export type DeclarableFormat = (typeof DECLARABLE_FORMATS)[number];

export const isDeclarableFormat = (format: string | null | undefined): format is DeclarableFormat =>
  (DECLARABLE_FORMATS as readonly string[]).includes(format ?? "");

export const DECLARED_FORMAT = defineOutcomes("upload.format", {
  format_match: { status: "pass", message: "The bytes are the {declared} image the client declared." },
  format_mismatch: {
    status: "fail",
    message: [
      "The client declared a {declared} image, but the bytes are in the {found} format.",
      "An image whose bytes are not what its disk format says is refused: a host that trusts the declaration would read another format than the one inspected.",
    ],
    fix: "qemu-img info <file>   # then declare the format it prints (disk_format), or convert the file to the declared one",
  },
});

/**
 * The check of a declared disk format against what inspection found: the format of the bytes as received
 * (`original`, when the server converted them), or as stored. Null when nothing was declared.
 */
export function declaredFormatCheck(declared: string | null, found: { stored: string | undefined; original: string | null }): Check | null {
  if (!isDeclarableFormat(declared)) return null;
  const id = "upload.format";
  if (declared === found.original || declared === found.stored) return { id, ...DECLARED_FORMAT.format_match({ declared: FORMATS[declared].label }) };
  const received = found.original ?? found.stored;
  const label = received && received in FORMATS ? FORMATS[received as ImageFormat].label : "unknown";
  return { id, ...DECLARED_FORMAT.format_mismatch({ declared: FORMATS[declared].label, found: label }) };
}
