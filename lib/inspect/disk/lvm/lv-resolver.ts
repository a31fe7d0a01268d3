import { isInspectError } from "../../errors";
import { type RandomAccessReader, sliceReader } from "../../reader";
import { SECTOR } from "./label";
import { concatenatedReader, stripedReader, zeroReader } from "./mapped-reader";
import type { Area, LvMetadata, Segment, VgMetadata } from "./metadata";
import { ThinPool } from "./thin";

/**
 * Turns an LV's segments into a reader over the PVs, the way device-mapper
 * would build its table: striped (linear is striped with one stripe) and
 * raid0 segments stripe over their areas, mirror and raid1 segments read one
 * leg, "zero" reads zeros, "thin" reads through its pool's mapping (thin.ts).
 * Everything else gets a reason instead of a reader.
 */

export type Resolution = { reader: RandomAccessReader } | { reason: string };

/** dm-stripe's smallest chunk, and lvcreate's smallest --stripesize: 4 KiB. */
const MIN_STRIPE_SECTORS = 8;
/** LV on LV on LV...: real stacks are two deep (thin pool data on raid images). */
const MAX_DEPTH = 8;

const LEG_TYPES = new Set(["mirror", "raid1"]);
const STRIPE_TYPES = new Set(["striped", "raid0", "raid0_meta"]);

const unreadableTypes: Record<string, string> = {
  "thin-pool": "a thin pool holds the data of its thin volumes, not a file system",
  snapshot: "snapshots are not read",
  cache: "volumes cached by dm-cache are not read (the cache may hold newer data than the volume)",
  writecache: "volumes cached by dm-writecache are not read (the cache may hold newer data than the volume)",
  "cache-pool": "a cache pool holds cached data, not a file system",
  vdo: "VDO volumes are not read",
  "vdo-pool": "a VDO pool holds the data of its VDO volumes, not a file system",
  integrity: "volumes with dm-integrity are not read",
  error: "the volume is an error target (it fails every read)",
};

export class LvResolver {
  private readonly cache = new Map<string, Resolution>();
  private readonly pools = new Map<string, ThinPool | string>();
  private readonly active = new Set<string>();
  private readonly extentBytes: number;

  constructor(
    private readonly vg: VgMetadata,
    /** The reader of each PV key ("pv0") whose device was found. */
    private readonly pvReaders: Map<string, RandomAccessReader>,
    /** LVs that must not be read as they are, with why (snapshot stores, merging origins). */
    private readonly withheld: Map<string, string>,
  ) {
    this.extentBytes = vg.extentSize * SECTOR;
  }

  async resolve(name: string, depth = 0): Promise<Resolution> {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const lv = this.vg.logicalVolumes.get(name);
    if (!lv) return { reason: `it refers to ${name}, which is not in the volume group` };
    if (this.active.has(name) || depth > MAX_DEPTH) return { reason: `its segments refer back to ${name} (a loop)` };
    this.active.add(name);
    const result = await this.build(lv, depth);
    this.active.delete(name);
    this.cache.set(name, result);
    return result;
  }

  private async build(lv: LvMetadata, depth: number): Promise<Resolution> {
    const withheld = this.withheld.get(lv.name);
    if (withheld) return { reason: withheld };
    const parts: RandomAccessReader[] = [];
    for (const segment of lv.segments) {
      const part = await this.segment(segment, depth);
      if ("reason" in part)
        return lv.segments.length > 1 ? { reason: `extents ${segment.startExtent}-${segment.startExtent + segment.extentCount - 1}: ${part.reason}` } : part;
      parts.push(part.reader);
    }
    if (parts.length === 0) return { reason: "it has no segments" };
    // Even one part goes through concatenatedReader: it checks and bounds every read range.
    return { reader: concatenatedReader(parts) };
  }

  private async segment(segment: Segment, depth: number): Promise<Resolution> {
    const size = segment.extentCount * this.extentBytes;
    if (!Number.isSafeInteger(size)) return { reason: "it is too large to address" };
    if (STRIPE_TYPES.has(segment.type)) return this.striped(segment, depth);
    if (LEG_TYPES.has(segment.type)) return this.leg(segment, depth);
    if (segment.type === "zero") return { reader: zeroReader(size) };
    if (segment.type === "thin") return this.thin(segment, size, depth);
    return {
      reason:
        unreadableTypes[segment.type] ??
        (segment.type.startsWith("raid") ? `${segment.type} volumes are not read` : `segments of type "${segment.type}" are not read`),
    };
  }

  private async striped(segment: Segment, depth: number): Promise<Resolution> {
    const count = segment.areas.length;
    if (count === 0) return { reason: `a ${segment.type} segment without areas` };
    if (segment.extentCount % count !== 0) return { reason: `${segment.extentCount} extents cannot be split into ${count} stripes` };
    const stripes: RandomAccessReader[] = [];
    for (const area of segment.areas) {
      const stripe = await this.area(area, segment.extentCount / count, depth);
      if ("reason" in stripe) return stripe;
      stripes.push(stripe.reader);
    }
    if (count === 1) return { reader: stripes[0] };
    const chunkBytes = segment.stripeSize * SECTOR;
    if (segment.stripeSize < MIN_STRIPE_SECTORS || stripes[0].size % chunkBytes !== 0) {
      return { reason: `a stripe size of ${segment.stripeSize} sectors does not fit its ${stripes[0].size}-byte stripes` };
    }
    return { reader: stripedReader(stripes, chunkBytes) };
  }

  /** A mirror or raid1 segment: every leg holds all of it; the first leg that can be read is. */
  private async leg(segment: Segment, depth: number): Promise<Resolution> {
    const dataOffset = segment.type === "raid1" && segment.config.entries.has("data_offset") ? segment.config.entries.get("data_offset") : 0;
    if (typeof dataOffset !== "number" || !Number.isSafeInteger(dataOffset) || dataOffset < 0) return { reason: "a raid segment with a malformed data_offset" };
    const reasons: string[] = [];
    for (const area of segment.areas) {
      const leg = await this.area(area, segment.extentCount, depth, dataOffset * SECTOR);
      if ("reader" in leg) return leg;
      reasons.push(leg.reason);
    }
    return { reason: `none of its ${segment.areas.length} ${segment.type} legs can be read (${reasons.join("; ")})` };
  }

  /** `extents` extents of an area, from `skip` bytes past its start. */
  private async area(area: Area, extents: number, depth: number, skip = 0): Promise<Resolution> {
    const length = extents * this.extentBytes;
    if (area.kind === "pv") {
      const pv = this.vg.physicalVolumes.get(area.pv);
      if (!pv) return { reason: `it refers to physical volume ${area.pv}, which is not in the volume group` };
      const reader = this.pvReaders.get(area.pv);
      if (!reader) return { reason: `its physical volume ${pv.uuid} (${pv.deviceHint ?? area.pv} when the metadata was written) is missing` };
      if (area.startExtent + extents > pv.peCount) return { reason: `it uses extents past the ${pv.peCount} extents of physical volume ${pv.uuid}` };
      const start = pv.peStart * SECTOR + area.startExtent * this.extentBytes + skip;
      if (!Number.isSafeInteger(start + length) || start + length > reader.size) {
        return { reason: `physical volume ${pv.uuid} is truncated: it ends at byte ${reader.size}, the volume's data runs to byte ${start + length}` };
      }
      return { reader: sliceReader(reader, start, length) };
    }
    const inner = await this.resolve(area.lv, depth + 1);
    if ("reason" in inner) return { reason: `${area.lv}: ${inner.reason}` };
    const start = area.startExtent * this.extentBytes + skip;
    if (start + length > inner.reader.size) return { reason: `it uses more of ${area.lv} than ${area.lv} holds` };
    return { reader: sliceReader(inner.reader, start, length) };
  }

  /**
   * A thin volume (lib/thin/thin.c): `thin_pool` names the pool LV, whose
   * "thin-pool" segment names its `metadata` and `pool` (data) LVs and its
   * `chunk_size`; `device_id` selects the device in the pool's mapping;
   * `external_origin` names an LV read where the thin volume maps nothing.
   */
  private async thin(segment: Segment, size: number, depth: number): Promise<Resolution> {
    const entries = segment.config.entries;
    const poolName = entries.get("thin_pool");
    const deviceId = entries.get("device_id");
    if (typeof poolName !== "string" || typeof deviceId !== "number" || !Number.isSafeInteger(deviceId) || deviceId < 0) {
      return { reason: "a thin segment without a valid thin_pool and device_id" };
    }
    const pool = await this.pool(poolName, depth);
    if (typeof pool === "string") return { reason: `its thin pool ${poolName}: ${pool}` };
    let origin: RandomAccessReader | null = null;
    const externalOrigin = entries.get("external_origin");
    if (typeof externalOrigin === "string") {
      const resolved = await this.resolve(externalOrigin, depth + 1);
      if ("reason" in resolved) return { reason: `its external origin ${externalOrigin}: ${resolved.reason}` };
      origin = resolved.reader;
    }
    try {
      return { reader: await pool.device(deviceId, size, origin) };
    } catch (error) {
      if (!isInspectError(error)) throw error;
      return { reason: error.message };
    }
  }

  /** The open pool, or why it cannot be read. */
  private async pool(name: string, depth: number): Promise<ThinPool | string> {
    const cached = this.pools.get(name);
    if (cached) return cached;
    const lv = this.vg.logicalVolumes.get(name);
    const segment = lv?.segments.length === 1 && lv.segments[0].type === "thin-pool" ? lv.segments[0] : null;
    let pool: ThinPool | string;
    if (!lv) pool = "it is not in the volume group";
    else if (!segment) pool = "it is not a thin pool";
    else {
      const [metadataName, dataName, chunkSize] = ["metadata", "pool", "chunk_size"].map((key) => segment.config.entries.get(key));
      if (typeof metadataName !== "string" || typeof dataName !== "string" || typeof chunkSize !== "number")
        pool = "its segment lacks metadata, pool or chunk_size";
      else {
        const metadata = await this.resolve(metadataName, depth + 1);
        const data = await this.resolve(dataName, depth + 1);
        if ("reason" in metadata) pool = `${metadataName}: ${metadata.reason}`;
        else if ("reason" in data) pool = `${dataName}: ${data.reason}`;
        else {
          try {
            pool = await ThinPool.open(metadata.reader, data.reader, chunkSize);
          } catch (error) {
            if (!isInspectError(error)) throw error;
            pool = error.message;
          }
        }
      }
    }
    this.pools.set(name, pool);
    return pool;
  }
}
