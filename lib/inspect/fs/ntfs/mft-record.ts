import { u16le, u32le, u64le, u8, utf16le } from "../../binary";
import { ATTR, type Attribute } from "./attributes";
import type { NtfsGeometry } from "./boot-sector";
import { applyFixups } from "./fixups";
import { NTFS } from "./ntfs-errors";
import { decodeRuns } from "./runs";

export const RECORD_FLAG = { inUse: 0x0001, directory: 0x0002 } as const;

/** One MFT record (a base record or an extension of one), its attributes decoded. */
export interface MftRecord {
  number: number;
  sequence: number;
  flags: number;
  linkCount: number;
  /** The base record this one extends, or null for a base record. */
  base: number | null;
  attributes: Attribute[];
}

/** A file reference: the record number (48 bits) and its sequence number (16 bits). */
export const recordNumber = (b: Uint8Array, o: number): number => u32le(b, o) + u16le(b, o + 4) * 2 ** 32;
export const recordSequence = (b: Uint8Array, o: number): number => u16le(b, o + 6);

/** A signed 64-bit VCN (an empty attribute's last VCN is -1). */
function vcnAt(b: Uint8Array, o: number): number {
  return u8(b, o + 7) & 0x80 ? -(2 ** 64 - u64le(b, o)) : u64le(b, o);
}

/** Decodes an MFT record read from disk: fixups, header and every attribute header up to the end marker. */
export function parseRecord(raw: Uint8Array, number: number, geometry: NtfsGeometry): MftRecord {
  const what = `MFT record ${number}`;
  const record = applyFixups(raw, "FILE", what);
  const bad = (detail: string) => NTFS.attribute_invalid({ record: number, detail });
  const used = u32le(record, 0x18);
  if (used > record.length || used < 0x38) throw bad(`it claims ${used} bytes in use`);
  const baseNumber = recordNumber(record, 0x20);
  const attributes: Attribute[] = [];
  let at = u16le(record, 0x14);
  for (;;) {
    if (at + 4 > used || at % 8 !== 0) throw bad(`an attribute at offset ${at} lies outside the record`);
    const type = u32le(record, at);
    if (type === ATTR.end) break;
    const length = u32le(record, at + 4);
    if (length < 0x18 || length % 8 !== 0 || at + length > used) throw bad(`the attribute at offset ${at} is ${length} bytes`);
    const header = record.subarray(at, at + length);
    const nameLength = u8(header, 9);
    const nameOffset = u16le(header, 0x0a);
    if (nameLength > 0 && nameOffset + 2 * nameLength > length) throw bad(`the name of the attribute at offset ${at} lies outside it`);
    const common = { type, name: utf16le(header, nameOffset, 2 * nameLength), flags: u16le(header, 0x0c), id: u16le(header, 0x0e) };
    if (u8(header, 8) === 0) {
      const valueLength = u32le(header, 0x10);
      const valueOffset = u16le(header, 0x14);
      if (valueOffset + valueLength > length) throw bad(`the value of the attribute at offset ${at} lies outside it`);
      attributes.push({ ...common, resident: true, value: header.slice(valueOffset, valueOffset + valueLength) });
    } else {
      if (length < 0x40) throw bad(`the non-resident attribute at offset ${at} is ${length} bytes`);
      const startVcn = vcnAt(header, 0x10);
      const lastVcn = vcnAt(header, 0x18);
      const runsOffset = u16le(header, 0x20);
      const dataSize = u64le(header, 0x30);
      const initializedSize = u64le(header, 0x38);
      const allocatedSize = u64le(header, 0x28);
      if (startVcn < 0 || lastVcn < startVcn - 1 || runsOffset > length || ![dataSize, initializedSize, allocatedSize].every(Number.isSafeInteger)) {
        throw bad(`the non-resident attribute at offset ${at} has impossible sizes`);
      }
      const runs = decodeRuns(header.subarray(runsOffset), startVcn, lastVcn, geometry.totalClusters, `attribute 0x${type.toString(16)} of ${what}`);
      attributes.push({
        ...common,
        resident: false,
        startVcn,
        lastVcn,
        runs,
        compressionUnit: u16le(header, 0x22),
        allocatedSize,
        dataSize,
        initializedSize: Math.min(initializedSize, dataSize),
      });
    }
    at += length;
  }
  return {
    number,
    sequence: u16le(record, 0x10),
    flags: u16le(record, 0x16),
    linkCount: u16le(record, 0x12),
    base: baseNumber === 0 ? null : baseNumber,
    attributes,
  };
}
