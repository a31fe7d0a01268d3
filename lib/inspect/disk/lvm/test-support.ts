import { expect } from "vitest";
import { InspectError } from "../../errors";
import { lvmCrc } from "./crc";

/** Test-only helpers for the LVM reader. */

export async function expectInspectError(promise: Promise<unknown>, code?: InspectError["code"], message?: RegExp): Promise<InspectError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InspectError);
  if (code) expect((error as InspectError).code).toBe(code);
  if (message) expect((error as InspectError).message).toMatch(message);
  return error as InspectError;
}

export const TEST_PV_UUID = "AAAAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGGGG";

/**
 * A PV in memory as pvcreate lays it out (label in sector 1, one metadata area
 * at 4 KiB of `mdaSize` bytes, extents from 1 MiB), holding `text` at
 * `textOffset` of the area (wrapping past its end), with valid checksums.
 */
export function buildPv(text: string, options: { size?: number; mdaSize?: number; textOffset?: number } = {}): Uint8Array {
  const { size = 4 << 20, mdaSize = 1044480, textOffset = 512 } = options;
  const pv = new Uint8Array(size);
  const view = new DataView(pv.buffer);
  const label = 512;
  pv.set(new TextEncoder().encode("LABELONE"), label);
  view.setBigUint64(label + 8, 1n, true);
  view.setUint32(label + 20, 32, true);
  pv.set(new TextEncoder().encode("LVM2 001"), label + 24);
  pv.set(new TextEncoder().encode(TEST_PV_UUID.replaceAll("-", "")), label + 32);
  view.setBigUint64(label + 64, BigInt(size), true);
  view.setBigUint64(label + 72, 1n << 20n, true); // data area: pe_start, size 0, then the end of the list
  view.setBigUint64(label + 104, 4096n, true); // metadata area, then the end of the list
  view.setBigUint64(label + 112, BigInt(mdaSize), true);
  view.setUint32(label + 16, lvmCrc(pv.subarray(label + 20, label + 512)), true);
  const bytes = new TextEncoder().encode(`${text}\0`);
  const first = Math.min(bytes.length, mdaSize - textOffset);
  pv.set(bytes.subarray(0, first), 4096 + textOffset);
  pv.set(bytes.subarray(first), 4096 + 512);
  writeMdaHeader(pv, 4096, mdaSize, textOffset, bytes.length, lvmCrc(bytes));
  return pv;
}

/** (Re)writes the metadata area header at `offset` with a valid checksum. */
export function writeMdaHeader(pv: Uint8Array, offset: number, mdaSize: number, textOffset: number, textSize: number, textCrc: number): void {
  const view = new DataView(pv.buffer, pv.byteOffset + offset, 512);
  pv.fill(0, offset, offset + 512);
  pv.set(new TextEncoder().encode(" LVM2 x[5A%r0N*>"), offset + 4);
  view.setUint32(20, 1, true);
  view.setBigUint64(24, BigInt(offset), true);
  view.setBigUint64(32, BigInt(mdaSize), true);
  view.setBigUint64(40, BigInt(textOffset), true);
  view.setBigUint64(48, BigInt(textSize), true);
  view.setUint32(56, textCrc, true);
  view.setUint32(0, lvmCrc(pv.subarray(offset + 4, offset + 512)), true);
}

/** A VG text in the on-disk form, one PV (TEST_PV_UUID, 1 MiB extents), with the given LV sections. */
export function vgText(logicalVolumes: string, options: { seqno?: number; extentSize?: number; peCount?: number } = {}): string {
  const { seqno = 1, extentSize = 2048, peCount = 3 } = options;
  return `vg {
id = "ZZZZZZ-YYYY-XXXX-WWWW-VVVV-UUUU-TTTTTT"
seqno = ${seqno}
status = ["RESIZEABLE", "READ", "WRITE"]
extent_size = ${extentSize}
physical_volumes {
pv0 {
id = "${TEST_PV_UUID}"
device = "/dev/vda2"
status = ["ALLOCATABLE"]
pe_start = 2048
pe_count = ${peCount}
}
}
logical_volumes {
${logicalVolumes}
}
}
contents = "Text Format Volume Group"
version = 1
`;
}

/** An LV section: `segments` are [type-specific body] strings, each one extent long unless `extents` says. */
export function lvSection(name: string, segments: string[], options: { visible?: boolean; extents?: number } = {}): string {
  const { visible = true, extents = 1 } = options;
  const body = segments
    .map((segment, index) => `segment${index + 1} {\nstart_extent = ${index * extents}\nextent_count = ${extents}\n${segment}\n}`)
    .join("\n");
  return `${name} {\nid = "${name
    .replace(/[^0-9A-Za-z]/g, "x")
    .padEnd(6, "x")
    .slice(0, 6)}-aaaa-bbbb-cccc-dddd-eeee-ffffff"\nstatus = ["READ", "WRITE"${visible ? ', "VISIBLE"' : ""}]\nsegment_count = ${segments.length}\n${body}\n}`;
}

export const linear = (pvExtent: number, pv = "pv0") => `type = "striped"\nstripe_count = 1\nstripes = ["${pv}", ${pvExtent}]`;
