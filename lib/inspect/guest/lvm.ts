import { InspectError } from "../errors";
import type { RandomAccessReader } from "../reader";

/**
 * LVM2 linear logical volumes, read-only: the physical-volume label, the text
 * metadata in the metadata area, and a reader per logical volume that maps
 * its extents onto the physical volumes (lvm2's lib/format_text/layout.h and
 * the metadata format in lvm.conf syntax). Checksums are not verified: every
 * offset is bounds-checked instead, which is what protects us from a hostile
 * label. Thin, RAID, mirror and striped volumes are reported, not read.
 */

const SECTOR = 512;
const LABEL_SCAN_SECTORS = 4;
const MDA_HEADER_SIZE = 512;
const MDA_MAGIC = " LVM2 x[5A%r0N*>";
const MAX_METADATA = 4 * 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_ITEMS = 100_000;
const MAX_SEGMENTS = 1024;

const latin1 = new TextDecoder("latin1");
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;
const corrupt = (message: string) => new InspectError("corrupt", `LVM: ${message}`);

export interface PhysicalVolume {
  /** The PV UUID without dashes, as the label stores it. */
  uuid: string;
  reader: RandomAccessReader;
  /** The metadata text of the volume group, when this PV carries a metadata area. */
  metadata: string | null;
}

/** The LVM2 label in the first four sectors, the PV header after it, and the newest metadata text. */
export async function readPhysicalVolume(reader: RandomAccessReader): Promise<PhysicalVolume | null> {
  const head = await reader.read(0, LABEL_SCAN_SECTORS * SECTOR);
  for (let sector = 0; sector < LABEL_SCAN_SECTORS; sector++) {
    const at = sector * SECTOR;
    if (head.length < at + SECTOR || latin1.decode(head.subarray(at, at + 8)) !== "LABELONE") continue;
    if (latin1.decode(head.subarray(at + 24, at + 32)) !== "LVM2 001") continue;
    const offset = u32(head, at + 20);
    if (offset < 32 || offset > SECTOR - 48) throw corrupt("the PV header lies outside its label sector.");
    const header = head.subarray(at + offset, at + SECTOR);
    const uuid = latin1.decode(header.subarray(0, 32));
    // Two lists of (offset, size) pairs, each ended by a zero pair: data areas, then metadata areas.
    const lists: { offset: number; size: number }[][] = [[], []];
    let list = 0;
    for (let p = 40; p + 16 <= header.length && list < 2; p += 16) {
      const area = { offset: u64(header, p), size: u64(header, p + 8) };
      if (area.offset === 0) list++;
      else lists[list].push(area);
    }
    let metadata: string | null = null;
    for (const area of lists[1]) {
      metadata = await readMetadataArea(reader, area.offset, area.size);
      if (metadata !== null) break;
    }
    return { uuid, reader, metadata };
  }
  return null;
}

async function readMetadataArea(reader: RandomAccessReader, start: number, size: number): Promise<string | null> {
  if (start + MDA_HEADER_SIZE > reader.size || size <= MDA_HEADER_SIZE || start + size > reader.size) return null;
  const header = await reader.read(start, MDA_HEADER_SIZE);
  if (latin1.decode(header.subarray(4, 20)) !== MDA_MAGIC) return null;
  // The first raw location is the committed metadata; it may wrap around the circular buffer.
  const offset = u64(header, 40);
  const length = u64(header, 48);
  if (offset === 0 || length === 0) return null;
  if (length > MAX_METADATA || offset < MDA_HEADER_SIZE || offset >= size || length > size - MDA_HEADER_SIZE) throw corrupt("the metadata location is out of range.");
  const first = Math.min(length, size - offset);
  const parts = [await reader.read(start + offset, first)];
  if (first < length) parts.push(await reader.read(start + MDA_HEADER_SIZE, length - first));
  const text = parts.map((p) => latin1.decode(p)).join("");
  return text.replace(/\0+$/, "");
}

export type LvmValue = string | number | LvmValue[] | LvmSection;
export type LvmSection = Map<string, LvmValue>;

/** The lvm.conf-style text of LVM metadata: sections `name { ... }`, `key = value`, arrays, strings, numbers, # comments. */
export function parseLvmMetadata(text: string): LvmSection {
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|#[^\n]*|[{}[\]=,]|[^\s{}[\]=,"#]+/g) ?? [];
  let i = 0;
  let items = 0;
  const next = () => {
    while (i < tokens.length && tokens[i].startsWith("#")) i++;
    return tokens[i++];
  };
  const peek = () => {
    while (i < tokens.length && tokens[i].startsWith("#")) i++;
    return tokens[i];
  };
  const value = (): LvmValue => {
    const token = next();
    if (token === undefined) throw corrupt("the metadata ends inside a value.");
    if (token === "[") {
      const list: LvmValue[] = [];
      while (peek() !== "]") {
        if (peek() === undefined || ++items > MAX_ITEMS) throw corrupt("an array in the metadata does not end.");
        list.push(value());
        if (peek() === ",") next();
      }
      next();
      return list;
    }
    if (token.startsWith('"')) return token.slice(1, -1).replace(/\\(.)/g, "$1");
    const number = Number(token);
    return Number.isFinite(number) ? number : token;
  };
  const section = (depth: number, closing: boolean): LvmSection => {
    if (depth > MAX_DEPTH) throw corrupt("the metadata nests too deeply.");
    const result: LvmSection = new Map();
    for (;;) {
      const name = next();
      if (name === undefined) {
        if (closing) throw corrupt("a section of the metadata does not end.");
        return result;
      }
      if (name === "}" && closing) return result;
      if (++items > MAX_ITEMS) throw corrupt("the metadata has too many items.");
      const token = next();
      if (token === "{") result.set(name, section(depth + 1, true));
      else if (token === "=") result.set(name, value());
      else throw corrupt(`unexpected "${token}" after "${name}".`);
    }
  };
  return section(0, false);
}

export interface LogicalVolume {
  vg: string;
  lv: string;
  reader: RandomAccessReader;
  /** The physical volume that holds its first extent (the partition the report names). */
  pv: PhysicalVolume;
}

const isSection = (value: LvmValue | undefined): value is LvmSection => value instanceof Map;
const numberOf = (section: LvmSection, key: string) => {
  const value = section.get(key);
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw corrupt(`"${key}" is not a count.`);
  return value;
};

interface Segment {
  start: number;
  size: number;
  pv: PhysicalVolume;
  offset: number;
}

function segmentReader(segments: Segment[], size: number): RandomAccessReader {
  return {
    size,
    async read(offset, length) {
      if (offset < 0 || offset >= size || length <= 0) return new Uint8Array(0);
      const out = new Uint8Array(Math.min(length, size - offset));
      for (const segment of segments) {
        const from = Math.max(offset, segment.start);
        const to = Math.min(offset + out.length, segment.start + segment.size);
        if (from >= to) continue;
        const bytes = await segment.pv.reader.read(segment.offset + (from - segment.start), to - from);
        out.set(bytes, from - offset);
      }
      return out;
    },
  };
}

/**
 * The linear logical volumes of every volume group whose metadata one of the
 * physical volumes carries. Volumes of other kinds, or on a PV that is not
 * on this disk, are listed in `skipped` with the reason.
 */
export function logicalVolumes(pvs: PhysicalVolume[]): { volumes: LogicalVolume[]; skipped: string[] } {
  const volumes: LogicalVolume[] = [];
  const skipped: string[] = [];
  const seenGroups = new Set<string>();
  const byUuid = new Map(pvs.map((pv) => [pv.uuid, pv]));
  for (const carrier of pvs) {
    if (!carrier.metadata) continue;
    const config = parseLvmMetadata(carrier.metadata);
    for (const [vgName, vg] of config) {
      if (!isSection(vg) || !isSection(vg.get("physical_volumes")) || seenGroups.has(vgName)) continue;
      seenGroups.add(vgName);
      const extentBytes = numberOf(vg, "extent_size") * SECTOR;
      if (extentBytes === 0) throw corrupt(`volume group ${vgName} has a zero extent size.`);
      const physical = new Map<string, { pv: PhysicalVolume; peStart: number; peCount: number }>();
      for (const [name, pv] of vg.get("physical_volumes") as LvmSection) {
        if (!isSection(pv)) continue;
        const found = byUuid.get(String(pv.get("id") ?? "").replace(/-/g, ""));
        if (found) physical.set(name, { pv: found, peStart: numberOf(pv, "pe_start") * SECTOR, peCount: numberOf(pv, "pe_count") });
      }
      const lvs = vg.get("logical_volumes");
      if (!isSection(lvs)) continue;
      for (const [lvName, lv] of lvs) {
        if (!isSection(lv)) continue;
        const status = lv.get("status");
        if (Array.isArray(status) && !status.includes("VISIBLE")) continue;
        const segments: Segment[] = [];
        let problem: string | null = null;
        for (const [key, segment] of lv) {
          if (!key.startsWith("segment") || !isSection(segment)) continue;
          if (segments.length >= MAX_SEGMENTS) {
            problem = "too many segments";
            break;
          }
          const type = segment.get("type");
          const stripes = segment.get("stripes");
          if (type !== "striped" || segment.get("stripe_count") !== 1 || !Array.isArray(stripes) || stripes.length !== 2) {
            problem = `a ${String(type)} segment${type === "striped" ? " over several stripes" : ""}, which Hangar does not read`;
            break;
          }
          const target = physical.get(String(stripes[0]));
          const firstPe = stripes[1];
          const start = numberOf(segment, "start_extent");
          const count = numberOf(segment, "extent_count");
          if (!target) {
            problem = `its physical volume ${String(stripes[0])} is not on this disk`;
            break;
          }
          if (typeof firstPe !== "number" || !Number.isSafeInteger(firstPe) || firstPe < 0 || firstPe + count > target.peCount) throw corrupt(`logical volume ${lvName} maps extents past its physical volume.`);
          const offset = target.peStart + firstPe * extentBytes;
          if (offset + count * extentBytes > target.pv.reader.size) throw corrupt(`logical volume ${lvName} lies past the end of its physical volume.`);
          segments.push({ start: start * extentBytes, size: count * extentBytes, pv: target.pv, offset });
        }
        if (problem || segments.length === 0) {
          skipped.push(`${vgName}/${lvName}: ${problem ?? "no segments"}`);
          continue;
        }
        segments.sort((a, b) => a.start - b.start);
        let end = 0;
        for (const segment of segments) {
          if (segment.start !== end) throw corrupt(`logical volume ${lvName} has a gap or an overlap in its extents.`);
          end += segment.size;
        }
        volumes.push({ vg: vgName, lv: lvName, reader: segmentReader(segments, end), pv: segments[0].pv });
      }
    }
  }
  return { volumes, skipped };
}

/** The device-mapper name of a logical volume: dashes in either name are doubled. */
export const mapperName = (vg: string, lv: string) => `${vg.replace(/-/g, "--")}-${lv.replace(/-/g, "--")}`;
