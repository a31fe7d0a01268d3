import { InspectError } from "../../errors";
import { type ConfigSection, type ConfigValue, isSection, parseConfigText } from "./config-text";

/**
 * A volume group as its metadata text describes it (lib/format_text/import_vsn1.c):
 * the physical volumes by their uuid, the logical volumes with their segments.
 * Sizes stay in the units of the text (sectors, extents); the reader converts.
 */

export interface VgMetadata {
  name: string;
  /** The VG uuid as LVM prints it (6-4-4-4-4-4-6 characters). */
  uuid: string;
  seqno: number;
  /** Sectors (512 bytes) per extent. */
  extentSize: number;
  status: string[];
  physicalVolumes: Map<string, PvMetadata>;
  logicalVolumes: Map<string, LvMetadata>;
}

export interface PvMetadata {
  /** The key in physical_volumes ("pv0"), which segments refer to. */
  key: string;
  uuid: string;
  /** The device path when the metadata was written: a hint only. */
  deviceHint: string | null;
  /** Sectors from the start of the PV to its first extent. */
  peStart: number;
  peCount: number;
}

export interface LvMetadata {
  name: string;
  uuid: string;
  status: string[];
  flags: string[];
  /** Segments sorted by startExtent, contiguous from extent 0. */
  segments: Segment[];
  extentCount: number;
}

/** A place a segment's data lives: extents of a PV, or of another LV (mirror legs, raid images, pool data). */
export type Area = { kind: "pv"; pv: string; startExtent: number } | { kind: "lv"; lv: string; startExtent: number };

export interface Segment {
  startExtent: number;
  extentCount: number;
  type: string;
  /** Everything the segment says, for the types that need more than areas (thin, raid, snapshot). */
  config: ConfigSection;
  /** striped: stripe_count areas; mirror: the legs; raid: the data images (rimage), metadata images dropped. */
  areas: Area[];
  /** Sectors per stripe chunk (striped with more than one area, raid0). */
  stripeSize: number;
}

export interface MetadataLimits {
  maxPhysicalVolumes: number;
  maxLogicalVolumes: number;
  maxSegmentsPerLv: number;
  maxAreasPerSegment: number;
}

export const metadataLimits: MetadataLimits = {
  maxPhysicalVolumes: 1024,
  maxLogicalVolumes: 8192,
  maxSegmentsPerLv: 65536,
  maxAreasPerSegment: 256,
};

const CONTENTS = "Text Format Volume Group";

/** A valid LVM id: 32 characters of [0-9a-zA-Z!#], printed with dashes after 6, 10, 14, 18, 22 and 26. */
const UUID_FORMAT = /^[0-9A-Za-z!#]{6}(-?[0-9A-Za-z!#]{4}){5}-?[0-9A-Za-z!#]{6}$/;

function corrupt(message: string): never {
  throw new InspectError("corrupt", `The LVM metadata is inconsistent: ${message}.`);
}

class Reader {
  constructor(
    private readonly section: ConfigSection,
    private readonly where: string,
  ) {}

  has(key: string): boolean {
    return this.section.entries.has(key);
  }

  private value(key: string): ConfigValue | undefined {
    const value = this.section.entries.get(key);
    if (isSection(value)) corrupt(`${this.where}: "${key}" is a section, not a value`);
    return value;
  }

  integer(key: string, optional?: number): number {
    const value = this.value(key);
    if (value === undefined && optional !== undefined) return optional;
    if (typeof value !== "number" || !Number.isSafeInteger(value)) corrupt(`${this.where}: "${key}" is not an integer`);
    return value;
  }

  /** An unsigned 32-bit field (extent numbers and counts), as dm_config_get_uint32 reads it. */
  count(key: string, optional?: number): number {
    const value = this.integer(key, optional);
    if (value < 0 || value > 0xffffffff) corrupt(`${this.where}: "${key}" = ${value} is out of range`);
    return value;
  }

  string(key: string): string;
  string(key: string, optional: null): string | null;
  string(key: string, optional?: null): string | null {
    const value = this.value(key);
    if (value === undefined && optional === null) return null;
    if (typeof value !== "string") corrupt(`${this.where}: "${key}" is not a string`);
    return value;
  }

  list(key: string, optional = false): (string | number)[] {
    const value = this.value(key);
    if (value === undefined && optional) return [];
    if (value === undefined) corrupt(`${this.where}: "${key}" is missing`);
    return Array.isArray(value) ? value : [value];
  }

  strings(key: string, optional = false): string[] {
    const values = this.list(key, optional);
    if (values.some((value) => typeof value !== "string")) corrupt(`${this.where}: "${key}" is not a list of strings`);
    return values as string[];
  }

  uuid(key: string): string {
    const value = this.string(key);
    if (!UUID_FORMAT.test(value)) corrupt(`${this.where}: "${value}" is not an LVM uuid`);
    return formatUuid(value.replaceAll("-", ""));
  }

  sections(): [string, ConfigSection][] {
    return [...this.section.entries].filter((entry): entry is [string, ConfigSection] => isSection(entry[1]));
  }

  child(key: string, optional = false): Reader | null {
    const value = this.section.entries.get(key);
    if (value === undefined && optional) return null;
    if (!isSection(value)) corrupt(`${this.where}: section "${key}" is missing`);
    return new Reader(value, `${this.where}/${key}`);
  }
}

/** LVM prints uuids as 6-4-4-4-4-4-6 characters. */
export function formatUuid(raw: string): string {
  return [raw.slice(0, 6), raw.slice(6, 10), raw.slice(10, 14), raw.slice(14, 18), raw.slice(18, 22), raw.slice(22, 26), raw.slice(26)].join("-");
}

/** The VG name and seqno without interpreting the rest, to choose the newest copy first. */
export interface ParsedMetadata {
  root: ConfigSection;
  name: string;
  uuid: string;
  seqno: number;
}

export function parseMetadataText(text: string): ParsedMetadata {
  const root = parseConfigText(text);
  const top = new Reader(root, "(top)");
  if (top.string("contents", null) !== CONTENTS) corrupt(`the text does not say contents = "${CONTENTS}"`);
  if (top.integer("version", -1) !== 1) corrupt("the text format version is not 1");
  // As LVM does: the VG is the first top-level section.
  const first = top.sections().at(0);
  if (!first) corrupt("the text holds no volume group section");
  const [name, section] = first;
  const vg = new Reader(section, name);
  return { root, name, uuid: vg.uuid("id"), seqno: vg.count("seqno") };
}

export function interpretMetadata(parsed: ParsedMetadata, limits: MetadataLimits = metadataLimits): VgMetadata {
  const vg = new Reader(parsed.root.entries.get(parsed.name) as ConfigSection, parsed.name);
  const extentSize = vg.count("extent_size");
  if (extentSize === 0) corrupt(`${parsed.name}: extent_size is 0`);
  const physicalVolumes = new Map<string, PvMetadata>();
  const pvSections = vg.child("physical_volumes", true)?.sections() ?? [];
  if (pvSections.length > limits.maxPhysicalVolumes) {
    throw new InspectError("limit", `The volume group ${parsed.name} has more than ${limits.maxPhysicalVolumes} physical volumes.`);
  }
  for (const [key, section] of pvSections) {
    const pv = new Reader(section, `${parsed.name}/physical_volumes/${key}`);
    const peStart = pv.integer("pe_start");
    physicalVolumes.set(key, {
      key,
      uuid: pv.uuid("id"),
      deviceHint: pv.string("device", null),
      peStart,
      peCount: pv.count("pe_count"),
    });
    if (peStart < 0) corrupt(`${key}: pe_start is negative`);
  }
  const lvSections = vg.child("logical_volumes", true)?.sections() ?? [];
  if (lvSections.length > limits.maxLogicalVolumes) {
    throw new InspectError("limit", `The volume group ${parsed.name} has more than ${limits.maxLogicalVolumes} logical volumes.`);
  }
  const lvNames = new Set(lvSections.map(([name]) => name));
  const logicalVolumes = new Map<string, LvMetadata>();
  for (const [name, section] of lvSections) {
    logicalVolumes.set(name, readLv(name, new Reader(section, `${parsed.name}/${name}`), physicalVolumes, lvNames, limits));
  }
  return { name: parsed.name, uuid: parsed.uuid, seqno: parsed.seqno, extentSize, status: vg.strings("status"), physicalVolumes, logicalVolumes };
}

function readLv(name: string, lv: Reader, pvs: Map<string, PvMetadata>, lvNames: Set<string>, limits: MetadataLimits): LvMetadata {
  const segmentSections = lv.sections();
  if (segmentSections.length > limits.maxSegmentsPerLv) {
    throw new InspectError("limit", `The logical volume ${name} has more than ${limits.maxSegmentsPerLv} segments.`);
  }
  if (lv.count("segment_count") !== segmentSections.length) corrupt(`${name}: segment_count disagrees with its segments`);
  const segments = segmentSections.map(([key, section]) => readSegment(new Reader(section, `${name}/${key}`), section, pvs, lvNames, limits));
  segments.sort((a, b) => a.startExtent - b.startExtent);
  // As check_lv_segments: no gaps, no overlaps.
  let extentCount = 0;
  for (const segment of segments) {
    if (segment.startExtent !== extentCount) corrupt(`${name}: its segments leave a gap or overlap at extent ${extentCount}`);
    extentCount += segment.extentCount;
  }
  return { name, uuid: lv.uuid("id"), status: lv.strings("status"), flags: lv.strings("flags", true), segments, extentCount };
}

function readSegment(segment: Reader, config: ConfigSection, pvs: Map<string, PvMetadata>, lvNames: Set<string>, limits: MetadataLimits): Segment {
  const startExtent = segment.count("start_extent");
  const extentCount = segment.count("extent_count");
  const type = segment.has("type") ? segment.string("type") : "striped";
  const base = { startExtent, extentCount, type, config, stripeSize: 0 };
  switch (type) {
    case "striped": {
      const stripeCount = segment.count("stripe_count");
      const areas = readAreas(segment, "stripes", stripeCount, pvs, lvNames, limits);
      const stripeSize = stripeCount > 1 ? segment.count("stripe_size") : 0;
      if (stripeCount > 1 && stripeSize === 0) corrupt("a striped segment has a stripe_size of 0");
      if (extentCount % stripeCount !== 0) corrupt(`a segment of ${extentCount} extents cannot be split into ${stripeCount} stripes`);
      return { ...base, areas, stripeSize };
    }
    case "mirror":
      return { ...base, areas: readAreas(segment, "mirrors", segment.count("mirror_count"), pvs, lvNames, limits) };
    default:
      if (type.startsWith("raid")) return { ...base, ...readRaidAreas(segment, type, pvs, lvNames, limits) };
      return { ...base, areas: [] };
  }
}

/** `[ "pv0", 12, "pv1", 0 ]`: name and first extent of each area, as text_import_areas reads them. */
function readAreas(segment: Reader, key: string, count: number, pvs: Map<string, PvMetadata>, lvNames: Set<string>, limits: MetadataLimits): Area[] {
  if (count === 0) corrupt(`a segment has zero areas`);
  if (count > limits.maxAreasPerSegment) throw new InspectError("limit", `A segment has more than ${limits.maxAreasPerSegment} areas.`);
  const list = segment.list(key);
  if (list.length !== count * 2) corrupt(`"${key}" does not hold ${count} areas`);
  const areas: Area[] = [];
  for (let index = 0; index < list.length; index += 2) {
    const [name, startExtent] = [list[index], list[index + 1]];
    if (typeof name !== "string" || typeof startExtent !== "number" || !Number.isSafeInteger(startExtent) || startExtent < 0) {
      corrupt(`"${key}" has a malformed area`);
    }
    if (pvs.has(name)) areas.push({ kind: "pv", pv: name, startExtent });
    else if (lvNames.has(name)) areas.push({ kind: "lv", lv: name, startExtent });
    else corrupt(`a segment refers to "${name}", which is neither a physical nor a logical volume of the group`);
  }
  return areas;
}

/**
 * raid segments (lib/raid/raid.c): `raids = [ "lv_rmeta_0", "lv_rimage_0", ... ]`,
 * metadata/image pairs ("-" for a missing metadata image), or images alone
 * (raid0 without metadata). Only the data images are kept.
 */
function readRaidAreas(
  segment: Reader,
  type: string,
  pvs: Map<string, PvMetadata>,
  lvNames: Set<string>,
  limits: MetadataLimits,
): { areas: Area[]; stripeSize: number } {
  const deviceCount = segment.has("device_count") ? segment.count("device_count") : segment.count("stripe_count");
  if (deviceCount === 0) corrupt("a raid segment has zero devices");
  if (deviceCount > limits.maxAreasPerSegment) throw new InspectError("limit", `A segment has more than ${limits.maxAreasPerSegment} areas.`);
  const names = segment.strings("raids");
  const paired = names.length === deviceCount * 2;
  if (!paired && names.length !== deviceCount) corrupt(`"raids" does not list ${deviceCount} devices`);
  const images = paired ? names.filter((_, index) => index % 2 === 1) : names;
  const areas = images.map((name): Area => {
    if (lvNames.has(name)) return { kind: "lv", lv: name, startExtent: 0 };
    if (pvs.has(name)) return { kind: "pv", pv: name, startExtent: 0 };
    corrupt(`a raid segment refers to "${name}", which is not a logical volume of the group`);
  });
  return { areas, stripeSize: type === "raid1" ? 0 : segment.count("stripe_size", 0) };
}
