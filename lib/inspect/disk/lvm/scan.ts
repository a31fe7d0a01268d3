import { InspectError, isInspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import { lvmDeviceNames } from "./device-names";
import { type PvLabel, readPvLabel, SECTOR } from "./label";
import { LvResolver } from "./lv-resolver";
import { readMetadataArea } from "./metadata-area";
import { interpretMetadata, type ParsedMetadata, parseMetadataText, type VgMetadata } from "./metadata";

export interface LvmScan {
  volumeGroups: LvmVolumeGroup[];
  /** Every reader that holds an LVM label, in the order given. */
  physicalVolumes: LvmPhysicalVolume[];
  /**
   * Damage that did not stop the scan: a PV whose label or metadata could not
   * be read, a metadata copy that failed its checks, an older copy ignored.
   */
  warnings: string[];
}

export interface LvmPhysicalVolume {
  /** The position of its reader in the array given to readLvm. */
  readerIndex: number;
  uuid: string;
  /** The VG whose metadata names it, null for a PV in no VG. */
  vg: string | null;
}

export interface LvmVolumeGroup {
  name: string;
  uuid: string;
  /** The metadata version read (the highest seqno of the copies found). */
  seqno: number;
  /** Bytes per extent. */
  extentSize: number;
  physicalVolumes: { key: string; uuid: string; readerIndex: number | null }[];
  /** The visible LVs, in the metadata's order; hidden sub-volumes (raid images, pool data) are not listed. */
  logicalVolumes: LvmLogicalVolume[];
}

export interface LvmLogicalVolume {
  vg: string;
  name: string;
  uuid: string;
  /** Bytes. */
  size: number;
  /** The segment types it is made of ("striped" for linear). */
  segmentTypes: string[];
  /** The LV's bytes, null when they cannot be read; `reason` then says why. */
  reader: RandomAccessReader | null;
  reason?: string;
  /** /dev/VG/LV, /dev/mapper/VG-LV and the by-id links, to match fstab entries. */
  deviceNames: string[];
}

/** More readers than any disk image has partitions to offer. */
const MAX_READERS = 256;

interface Copy {
  parsed: ParsedMetadata;
  readerIndex: number;
  areaOffset: number;
}

const described = (error: InspectError, readerIndex: number) => new InspectError(error.code, `Physical volume candidate ${readerIndex}: ${error.message}`);

/**
 * Reads the LVM2 volume groups on a set of candidate physical volumes (the
 * partitions of type LVM, or any reader `isLvmPhysicalVolume` accepts).
 * Readers without an LVM label are skipped. Each VG is read from its newest
 * metadata copy that passes every check; damage elsewhere is reported in
 * `warnings`. Throws an InspectError only when no VG can be read and some PV
 * was damaged (a PV with a bad checksum, a truncated metadata area...).
 */
export async function readLvm(readers: RandomAccessReader[]): Promise<LvmScan> {
  if (readers.length > MAX_READERS) throw new InspectError("limit", `More than ${MAX_READERS} physical volume candidates.`);
  const problems: InspectError[] = [];
  const labels = new Map<number, PvLabel>();
  const copies: Copy[] = [];
  for (const [readerIndex, reader] of readers.entries()) {
    try {
      const label = await readPvLabel(reader);
      if (!label) continue;
      labels.set(readerIndex, label);
      for (const area of label.metadataAreas) {
        try {
          const text = await readMetadataArea(reader, area);
          if (text) copies.push({ parsed: parseMetadataText(text.text), readerIndex, areaOffset: text.areaOffset });
        } catch (error) {
          if (!isInspectError(error)) throw error;
          problems.push(described(error, readerIndex));
        }
      }
    } catch (error) {
      if (!isInspectError(error)) throw error;
      problems.push(described(error, readerIndex));
    }
  }

  const warnings: string[] = [];
  const readerOfPv = new Map<string, number>();
  for (const [readerIndex, label] of labels) {
    if (readerOfPv.has(label.uuid))
      warnings.push(`Physical volume ${label.uuid} appears twice (candidates ${readerOfPv.get(label.uuid)} and ${readerIndex}); the first is used.`);
    else readerOfPv.set(label.uuid, readerIndex);
  }

  const byVg = new Map<string, Copy[]>();
  for (const copy of copies) byVg.set(copy.parsed.uuid, [...(byVg.get(copy.parsed.uuid) ?? []), copy]);
  const volumeGroups: LvmVolumeGroup[] = [];
  const vgOfPv = new Map<string, string>();
  for (const vgCopies of byVg.values()) {
    vgCopies.sort((a, b) => b.parsed.seqno - a.parsed.seqno);
    let vg: VgMetadata | null = null;
    for (const copy of vgCopies) {
      try {
        vg = interpretMetadata(copy.parsed);
        break;
      } catch (error) {
        if (!isInspectError(error)) throw error;
        problems.push(described(error, copy.readerIndex));
      }
    }
    if (!vg) continue;
    for (const copy of vgCopies) {
      if (copy.parsed.seqno < vg.seqno) {
        const where = `seqno ${copy.parsed.seqno}, candidate ${copy.readerIndex}, area at ${copy.areaOffset}`;
        warnings.push(`An older copy of the metadata of ${vg.name} (${where}) was ignored for seqno ${vg.seqno}.`);
      }
    }
    for (const pv of vg.physicalVolumes.values()) vgOfPv.set(pv.uuid, vg.name);
    volumeGroups.push(await assemble(vg, readers, readerOfPv));
  }

  if (volumeGroups.length === 0 && problems.length > 0) throw problems[0];
  return {
    volumeGroups,
    physicalVolumes: [...labels].map(([readerIndex, label]) => ({ readerIndex, uuid: label.uuid, vg: vgOfPv.get(label.uuid) ?? null })),
    warnings: [...problems.map((problem) => problem.message), ...warnings],
  };
}

async function assemble(vg: VgMetadata, readers: RandomAccessReader[], readerOfPv: Map<string, number>): Promise<LvmVolumeGroup> {
  const pvReaders = new Map<string, RandomAccessReader>();
  const physicalVolumes = [...vg.physicalVolumes.values()].map((pv) => {
    const readerIndex = readerOfPv.get(pv.uuid) ?? null;
    if (readerIndex !== null) pvReaders.set(pv.key, readers[readerIndex]);
    return { key: pv.key, uuid: pv.uuid, readerIndex };
  });
  const resolver = new LvResolver(vg, pvReaders, withheldVolumes(vg));
  const logicalVolumes: LvmLogicalVolume[] = [];
  for (const lv of vg.logicalVolumes.values()) {
    if (!lv.status.includes("VISIBLE")) continue;
    const resolution = await resolver.resolve(lv.name);
    logicalVolumes.push({
      vg: vg.name,
      name: lv.name,
      uuid: lv.uuid,
      size: lv.extentCount * vg.extentSize * SECTOR,
      segmentTypes: [...new Set(lv.segments.map((segment) => segment.type))],
      reader: "reader" in resolution ? resolution.reader : null,
      ...("reason" in resolution ? { reason: resolution.reason } : {}),
      deviceNames: lvmDeviceNames(vg.name, lv.name, { vg: vg.uuid, lv: lv.uuid }),
    });
  }
  return { name: vg.name, uuid: vg.uuid, seqno: vg.seqno, extentSize: vg.extentSize * SECTOR, physicalVolumes, logicalVolumes };
}

/**
 * Old-style snapshots (lib/snapshot/snapshot.c): a hidden LV with a "snapshot"
 * segment names its `origin` and its copy-on-write store (`cow_store`, or
 * `merging_store` while it is merged back). The store is the LV users see as
 * the snapshot, but its bytes are exception records, not a file system; an
 * origin being merged into holds a mix of old and new blocks.
 */
function withheldVolumes(vg: VgMetadata): Map<string, string> {
  const withheld = new Map<string, string>();
  for (const lv of vg.logicalVolumes.values()) {
    for (const segment of lv.segments) {
      if (segment.type !== "snapshot") continue;
      const origin = segment.config.entries.get("origin");
      const cow = segment.config.entries.get("cow_store");
      const merging = segment.config.entries.get("merging_store");
      const originName = typeof origin === "string" ? origin : "another volume";
      if (typeof cow === "string") withheld.set(cow, `it is a snapshot of ${originName} (copy-on-write snapshots are not read)`);
      if (typeof merging === "string") {
        withheld.set(merging, `it is a snapshot of ${originName} being merged back (copy-on-write snapshots are not read)`);
        if (typeof origin === "string") withheld.set(origin, "a snapshot is being merged into it, so its blocks are a mix of old and new");
      }
    }
  }
  return withheld;
}
