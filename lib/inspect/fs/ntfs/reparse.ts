import { u16le, u32le, utf16le } from "../../binary";
import { NTFS } from "./ntfs-errors";

/** Reparse tags this reader interprets (Microsoft's ntifs.h). */
export const REPARSE_TAG = {
  mountPoint: 0xa0000003,
  symlink: 0xa000000c,
  /** Windows Overlay Filter: the contents are compressed in the WofCompressedData stream (CompactOS). */
  wof: 0x80000017,
  dedup: 0x80000013,
} as const;

const SYMLINK_RELATIVE = 1;

export interface ReparsePoint {
  tag: number;
  /** For a junction or symlink: the target as a path inside this volume ("/Users/Public" or "../x"), or null when it points elsewhere. */
  target: string | null;
  /** The target as Windows stores it (the substitute name). */
  stored: string | null;
}

/**
 * A target of a junction or an absolute symlink ("\??\C:\Users\Public") as a path inside the
 * volume whose drive letter is `driveLetter`; a relative symlink keeps its relative form. Other
 * drives, volume GUID paths and network shares resolve outside the volume: null.
 */
function volumePath(stored: string, relative: boolean, driveLetter: string): string | null {
  const slashed = stored.replace(/\\/g, "/");
  if (relative) return slashed.startsWith("/") ? null : slashed;
  const absolute = /^\/(?:\?\?|\/\?|\/\.)\/([A-Za-z]):(\/.*)?$/.exec(slashed) ?? /^([A-Za-z]):(\/.*)?$/.exec(slashed);
  if (!absolute || absolute[1].toUpperCase() !== driveLetter.toUpperCase()) return null;
  return absolute[2] && absolute[2] !== "/" ? absolute[2].replace(/\/+$/, "") : "/";
}

/** Decodes a $REPARSE_POINT value (tag, length, then for links the substitute and print names). */
export function parseReparsePoint(value: Uint8Array, record: number, driveLetter: string): ReparsePoint {
  if (value.length < 8) throw NTFS.reparse_invalid({ record, detail: `${value.length} bytes` });
  const tag = u32le(value, 0);
  if (tag !== REPARSE_TAG.mountPoint && tag !== REPARSE_TAG.symlink) return { tag, target: null, stored: null };
  const dataLength = u16le(value, 4);
  const header = tag === REPARSE_TAG.symlink ? 20 : 16;
  if (8 + dataLength > value.length || dataLength < header - 8) throw NTFS.reparse_invalid({ record, detail: "the link data is cut short" });
  const substituteOffset = u16le(value, 8);
  const substituteLength = u16le(value, 10);
  const buffer = header;
  if (buffer + substituteOffset + substituteLength > 8 + dataLength) throw NTFS.reparse_invalid({ record, detail: "the target lies outside the link data" });
  const stored = utf16le(value, buffer + substituteOffset, substituteLength);
  const relative = tag === REPARSE_TAG.symlink && (u32le(value, 16) & SYMLINK_RELATIVE) !== 0;
  return { tag, target: volumePath(stored, relative, driveLetter), stored };
}
