import { readExact, type RandomAccessReader } from "../../reader";
import { u16le, u32le, u8, utf16le } from "../../binary";
import { LruCache } from "../../../lru";
import { memoize } from "../ext/memoize";
import { ATTR, isAttribute, type Attribute, type NonResidentAttribute } from "./attributes";
import type { NtfsGeometry } from "./boot-sector";
import { parseRecord, RECORD_FLAG, recordNumber, type MftRecord } from "./mft-record";
import { NTFS } from "./ntfs-errors";
import { StreamReader } from "./streams";

/** Bounds on what one file may make the reader load, whatever the volume claims. */
export const VOLUME_LIMITS = {
  /** An attribute list this long describes a file in tens of thousands of fragments. */
  attributeListBytes: 4 * 1024 * 1024,
  /** Extension records one file may spread over. */
  extensionRecords: 4096,
  cachedRecords: 4096,
  cachedNodes: 2048,
} as const;

/** A file as its base record and extension records describe it together. */
export interface NtfsNode {
  number: number;
  sequence: number;
  flags: number;
  linkCount: number;
  /** Every attribute; the extents of a non-resident attribute merged into one, their runs in order. */
  attributes: Attribute[];
}

const MFT_RECORD = 0;

/**
 * The MFT and the streams of one NTFS volume: MFT records by number (fixups applied, cached),
 * files assembled from their base and extension records through the attribute list, and
 * attribute streams read through their runs.
 */
export class NtfsVolume {
  readonly streams: StreamReader;
  private readonly records = new LruCache<number, Promise<MftRecord>>(VOLUME_LIMITS.cachedRecords);
  private readonly nodes = new LruCache<number, Promise<NtfsNode>>(VOLUME_LIMITS.cachedNodes);

  private constructor(
    readonly disk: RandomAccessReader,
    readonly geometry: NtfsGeometry,
    private mft: NonResidentAttribute,
  ) {
    this.streams = new StreamReader(disk, geometry.clusterSize);
  }

  /** Bootstraps the MFT from its own record 0 (the first extent of $MFT's data maps its extension records). */
  static async open(disk: RandomAccessReader, geometry: NtfsGeometry): Promise<NtfsVolume> {
    const raw = await readExact(disk, geometry.mftCluster * geometry.clusterSize, geometry.recordSize, "NTFS master file table");
    const first = parseRecord(raw, MFT_RECORD, geometry);
    const extent = first.attributes.find((a): a is NonResidentAttribute => isAttribute(a, ATTR.data) && !a.resident && a.startVcn === 0);
    if (!extent) throw NTFS.data_missing({ what: "the master file table ($MFT)" });
    const volume = new NtfsVolume(disk, geometry, extent);
    if (first.attributes.some((a) => a.type === ATTR.attributeList)) {
      const whole = (await volume.node(MFT_RECORD)).attributes.find((a): a is NonResidentAttribute => isAttribute(a, ATTR.data) && !a.resident);
      if (whole) volume.mft = whole;
    }
    return volume;
  }

  get recordCount(): number {
    return Math.floor(this.mft.dataSize / this.geometry.recordSize);
  }

  /** MFT record `number` as stored (in use or not). */
  record(number: number): Promise<MftRecord> {
    return memoize(this.records, number, () => this.loadRecord(number));
  }

  private async loadRecord(number: number): Promise<MftRecord> {
    if (!Number.isSafeInteger(number) || number < 0 || number >= this.recordCount) throw NTFS.record_out_of_range({ record: number, count: this.recordCount });
    const size = this.geometry.recordSize;
    const raw = await this.streams.read(this.mft, number * size, size, "the master file table ($MFT)");
    if (raw.length < size) throw NTFS.read_past_end({ what: `MFT record ${number}` });
    return parseRecord(raw, number, this.geometry);
  }

  /** The file whose base record is `number`, with its extension records' attributes. */
  node(number: number): Promise<NtfsNode> {
    return memoize(this.nodes, number, () => this.assemble(number));
  }

  private async assemble(number: number): Promise<NtfsNode> {
    const base = await this.record(number);
    if (!(base.flags & RECORD_FLAG.inUse)) throw NTFS.record_not_in_use({ record: number });
    if (base.base !== null) throw NTFS.attribute_invalid({ record: number, detail: `it is an extension of record ${base.base}, not a file` });
    const list = base.attributes.find((a) => a.type === ATTR.attributeList);
    const attributes = list ? await this.listedAttributes(base, list) : base.attributes;
    return { number, sequence: base.sequence, flags: base.flags, linkCount: base.linkCount, attributes: mergeExtents(attributes, number) };
  }

  /**
   * The attributes an attribute list names, taken from the base record and its extension
   * records. Each extension record must name this file as its base, so a list cannot pull
   * another file's attributes in, and extension records have no lists of their own, so there is
   * nothing to recurse into.
   */
  private async listedAttributes(base: MftRecord, list: Attribute): Promise<Attribute[]> {
    const size = list.resident ? list.value.length : list.dataSize;
    if (size > VOLUME_LIMITS.attributeListBytes)
      throw NTFS.too_large({ what: `the attribute list of MFT record ${base.number}`, size, limit: VOLUME_LIMITS.attributeListBytes });
    const bytes = await this.streams.read(list, 0, size, `the attribute list of MFT record ${base.number}`);
    const bad = (detail: string) => NTFS.attribute_list_invalid({ record: base.number, detail });
    const found: Attribute[] = [];
    const extensions = new Set<number>();
    for (let at = 0; at + 0x1a <= bytes.length;) {
      const type = u32le(bytes, at);
      const length = u16le(bytes, at + 4);
      if (length < 0x1a || at + length > bytes.length) throw bad(`an entry at byte ${at} is ${length} bytes`);
      const nameLength = u8(bytes, at + 6);
      const nameOffset = u8(bytes, at + 7);
      if (nameLength > 0 && nameOffset + 2 * nameLength > length) throw bad(`the name of the entry at byte ${at} lies outside it`);
      const name = utf16le(bytes, at + nameOffset, 2 * nameLength);
      const holder = recordNumber(bytes, at + 0x10);
      const id = u16le(bytes, at + 0x18);
      at += length;
      if (type === ATTR.attributeList) continue;
      let record = base;
      if (holder !== base.number) {
        extensions.add(holder);
        if (extensions.size > VOLUME_LIMITS.extensionRecords)
          throw NTFS.too_large({ what: `the extension records of MFT record ${base.number}`, size: extensions.size, limit: VOLUME_LIMITS.extensionRecords });
        record = await this.record(holder);
        if (!(record.flags & RECORD_FLAG.inUse) || record.base !== base.number) throw NTFS.extension_record_foreign({ record: holder, base: base.number });
      }
      const attribute = record.attributes.find((a) => a.type === type && a.name === name && a.id === id);
      if (!attribute) throw bad(`attribute 0x${type.toString(16)} "${name}" (id ${id}) is not in record ${holder}`);
      if (!found.includes(attribute)) found.push(attribute);
    }
    return found;
  }
}

/**
 * One attribute per non-resident stream: extents sorted by their first VCN must follow each
 * other without gap or overlap; the first extent carries the sizes.
 */
function mergeExtents(attributes: Attribute[], number: number): Attribute[] {
  const out: Attribute[] = [];
  const extents = new Map<string, NonResidentAttribute[]>();
  for (const attribute of attributes) {
    if (attribute.resident) {
      out.push(attribute);
      continue;
    }
    const key = `${attribute.type}:${attribute.name}`;
    const group = extents.get(key);
    if (group) group.push(attribute);
    else {
      extents.set(key, [attribute]);
      out.push(attribute);
    }
  }
  return out.map((attribute) => {
    if (attribute.resident) return attribute;
    const group = extents.get(`${attribute.type}:${attribute.name}`) ?? [attribute];
    if (group.length === 1 && group[0].startVcn === 0) return group[0];
    group.sort((a, b) => a.startVcn - b.startVcn);
    let next = 0;
    for (const extent of group) {
      if (extent.startVcn !== next)
        throw NTFS.attribute_invalid({
          record: number,
          detail: `the extents of attribute 0x${attribute.type.toString(16)} leave a gap or overlap at cluster ${next}`,
        });
      next = extent.lastVcn + 1;
    }
    return { ...group[0], lastVcn: next - 1, runs: group.flatMap((extent) => extent.runs) };
  });
}
