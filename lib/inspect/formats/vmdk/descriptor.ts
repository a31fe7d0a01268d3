import { cString, latin1 } from "../../binary";

/** An extent line: `RW 4192256 SPARSE "disk.vmdk"`, `RW 2048 FLAT "disk-flat.vmdk" 0`, `RW 2048 ZERO`. */
export interface VmdkExtent {
  access: string;
  sectors: number;
  type: string;
  fileName: string | null;
  offset: number | null;
}

export interface VmdkDescriptor {
  /** key=value lines, keys as written (VMware and qemu match them case-sensitively). */
  fields: Map<string, string>;
  extents: VmdkExtent[];
  /** Lines that are none of comment, key=value, extent or ddb entry. */
  strayLines: string[];
}

const EXTENT = /^(RW|RDONLY|NOACCESS)\s+(\d+)\s+([A-Za-z]+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?\s*$/;
const FIELD = /^([A-Za-z][\w.]*)\s*=\s*(.*)$/;

/** Parses descriptor text (the embedded one, or a descriptor file). */
export function parseDescriptor(text: string): VmdkDescriptor {
  const fields = new Map<string, string>();
  const extents: VmdkExtent[] = [];
  const strayLines: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const extent = EXTENT.exec(line);
    if (extent) {
      // The optional groups are undefined when they did not take part: at() says so in its type, indexing does not.
      const offset = extent.at(5);
      extents.push({
        access: extent[1],
        sectors: Number(extent[2]),
        type: extent[3].toUpperCase(),
        fileName: extent.at(4) ?? null,
        offset: offset === undefined ? null : Number(offset),
      });
      continue;
    }
    const field = FIELD.exec(line);
    if (field) {
      fields.set(field[1], field[2].trim().replace(/^"(.*)"$/, "$1"));
      continue;
    }
    strayLines.push(line.length > 80 ? `${line.slice(0, 80)}...` : line);
  }
  return { fields, extents, strayLines };
}

/** qemu reads this many bytes at sector 1 for CID and parentFileNameHint (DESC_SIZE). */
export const QEMU_DESCRIPTOR_WINDOW = 20 * 512;

/**
 * The backing file qemu would open: vmdk_parent_open() looks for
 * "parentFileNameHint" anywhere in the NUL-terminated text at the descriptor
 * offset and takes what follows `="` up to the next quote.
 */
export function qemuParentHint(window: Uint8Array): string | null {
  const text = cString(window);
  const at = text.indexOf("parentFileNameHint");
  if (at < 0) return null;
  const start = at + "parentFileNameHint".length + 2;
  const end = text.indexOf('"', start);
  return end < 0 ? text.slice(start, start + 80) : text.slice(start, end);
}

/** The descriptor text: bytes up to the first NUL, as Latin-1. */
export const descriptorText = (bytes: Uint8Array): string => latin1(bytes.subarray(0, bytes.indexOf(0) < 0 ? bytes.length : bytes.indexOf(0)));

/**
 * Whether qemu finds the number it needs after `key` (vmdk_read_cid()): the
 * first occurrence of "CID" or "parentCID" in the NUL-terminated window,
 * one character skipped after the name, then a hexadecimal number as
 * sscanf("%x") reads it. qemu refuses to open an image without either.
 */
export function qemuFindsCid(window: Uint8Array, key: "CID" | "parentCID"): boolean {
  const text = cString(window, 0, QEMU_DESCRIPTOR_WINDOW - 1);
  const at = text.indexOf(key);
  return at >= 0 && /^[ \t\n\v\f\r]*[+-]?[0-9a-fA-F]/.test(text.slice(at + key.length + 1));
}
