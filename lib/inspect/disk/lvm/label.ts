import { InspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import { lvmCrc } from "./crc";
import { formatUuid } from "./metadata";

/**
 * The physical volume label (lib/label/label.h, lib/format_text/layout.h):
 * a 512-byte sector among the first four holding
 *   label_header { id "LABELONE", sector u64, crc u32 (offset..end of sector), offset u32, type "LVM2 001" }
 * and at `offset` from it the pv_header: the PV uuid (32 characters), the
 * device size in bytes, then two lists of { offset u64, size u64 } each ended
 * by a zero offset: the data areas (the first one's offset is pe_start), then
 * the metadata areas. All integers are little-endian. pvcreate writes the
 * label in sector 1, the first metadata area at 4 KiB and data at 1 MiB.
 */

export const SECTOR = 512;
const LABEL_SCAN_SECTORS = 4;
const LABEL_ID = "LABELONE";
const LABEL_TYPE = "LVM2 001";
const PV_HEADER_FIXED = 32 + 8;
const DISK_LOCN = 16;

export interface DiskArea {
  offset: number;
  size: number;
}

export interface PvLabel {
  /** The sector (0-3) holding the label. */
  sector: number;
  /** The PV uuid as LVM prints it. */
  uuid: string;
  /** The device size pvcreate saw, in bytes. */
  deviceSize: number;
  dataAreas: DiskArea[];
  metadataAreas: DiskArea[];
}

const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);

function u64(view: DataView, offset: number, what: string): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new InspectError("corrupt", `The LVM physical volume header has an impossible ${what} (${value}).`);
  return Number(value);
}

/** True when one of the first four sectors holds an LVM2 label (magic only: cheap, for probing). */
export async function isLvmPhysicalVolume(reader: RandomAccessReader): Promise<boolean> {
  const bytes = await reader.read(0, LABEL_SCAN_SECTORS * SECTOR);
  for (let sector = 0; sector + 1 <= bytes.length / SECTOR; sector++) {
    const at = sector * SECTOR;
    if (ascii(bytes.subarray(at, at + 8)) === LABEL_ID && ascii(bytes.subarray(at + 24, at + 32)) === LABEL_TYPE) return true;
  }
  return false;
}

/**
 * The label of a PV, null when the reader has none (not a PV). A label whose
 * checksum or header is wrong is an InspectError: LVM would ignore it, but the
 * user is better told the PV is damaged than that there is none.
 */
export async function readPvLabel(reader: RandomAccessReader): Promise<PvLabel | null> {
  const bytes = await reader.read(0, LABEL_SCAN_SECTORS * SECTOR);
  let damage: InspectError | null = null;
  for (let sector = 0; sector < LABEL_SCAN_SECTORS; sector++) {
    const at = sector * SECTOR;
    if (ascii(bytes.subarray(at, at + 8)) !== LABEL_ID) continue;
    if (at + SECTOR > bytes.length) {
      damage ??= new InspectError("truncated", `The LVM label in sector ${sector} is cut off by the end of the ${reader.size}-byte volume.`);
      continue;
    }
    const label = bytes.subarray(at, at + SECTOR);
    const view = new DataView(label.buffer, label.byteOffset, SECTOR);
    if (view.getBigUint64(8, true) !== BigInt(sector)) {
      damage ??= new InspectError("corrupt", `The LVM label in sector ${sector} says it belongs in another sector.`);
      continue;
    }
    if (view.getUint32(16, true) !== lvmCrc(label.subarray(20))) {
      damage ??= new InspectError("corrupt", `The LVM label in sector ${sector} fails its checksum.`);
      continue;
    }
    if (ascii(label.subarray(24, 32)) !== LABEL_TYPE) {
      damage ??= new InspectError("unsupported", `The label in sector ${sector} is of type "${ascii(label.subarray(24, 32))}", not LVM2.`);
      continue;
    }
    return parsePvHeader(view, sector);
  }
  if (damage) throw damage;
  return null;
}

function parsePvHeader(view: DataView, sector: number): PvLabel {
  const start = view.getUint32(20, true);
  if (start < 32 || start + PV_HEADER_FIXED > SECTOR) {
    throw new InspectError("corrupt", `The LVM label in sector ${sector} puts the physical volume header at an impossible offset (${start}).`);
  }
  const uuidBytes = new Uint8Array(view.buffer, view.byteOffset + start, 32);
  const raw = ascii(uuidBytes);
  if (!/^[0-9A-Za-z!#]{32}$/.test(raw)) throw new InspectError("corrupt", "The LVM physical volume header holds a malformed uuid.");
  const deviceSize = u64(view, start + 32, "device size");
  let at = start + PV_HEADER_FIXED;
  const list = (what: string): DiskArea[] => {
    const areas: DiskArea[] = [];
    for (;;) {
      if (at + DISK_LOCN > SECTOR) throw new InspectError("corrupt", `The LVM physical volume header's list of ${what} does not end inside its sector.`);
      const offset = u64(view, at, `${what} offset`);
      const size = u64(view, at + 8, `${what} size`);
      at += DISK_LOCN;
      if (offset === 0) return areas;
      areas.push({ offset, size });
    }
  };
  const dataAreas = list("data areas");
  const metadataAreas = list("metadata areas");
  return { sector, uuid: formatUuid(raw), deviceSize, dataAreas, metadataAreas };
}
