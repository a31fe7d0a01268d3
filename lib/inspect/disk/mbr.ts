import { matches, u32le } from "../binary";
import type { Finding } from "../findings";
import { MBR } from "./findings";
import type { RandomAccessReader } from "../reader";
import { isExtendedType, mbrRole } from "./partition-roles";
import type { Partition } from "./partition-table";

const SECTOR = 512;
/** Linux (block/partitions/msdos.c) numbers partitions up to 255; we also stop a chain at that many links. */
const MAX_PARTITION_NUMBER = 255;
const MAX_CHAIN = MAX_PARTITION_NUMBER;

export interface MbrEntry {
  slot: number;
  bootable: boolean;
  type: number;
  /** First sector (LBA). */
  start: number;
  sectors: number;
}

export const hasMbrSignature = (sector: Uint8Array): boolean => sector.length >= SECTOR && matches(sector, 510, [0x55, 0xaa]);

export function mbrEntries(sector: Uint8Array): MbrEntry[] {
  const entries: MbrEntry[] = [];
  for (let slot = 0; slot < 4; slot++) {
    const e = 446 + slot * 16;
    entries.push({ slot, bootable: sector[e] === 0x80, type: sector[e + 4], start: u32le(sector, e + 8), sectors: u32le(sector, e + 12) });
  }
  return entries;
}

/** Linux rejects a table whose boot indicators are not 0x00 or 0x80: it is a file system's boot sector. */
export const validBootIndicators = (sector: Uint8Array): boolean =>
  [0, 1, 2, 3].every((slot) => sector[446 + slot * 16] === 0 || sector[446 + slot * 16] === 0x80);

/** Linux skips entries of size 0 only (not type 0). */
const isEmpty = (e: { sectors: number }) => e.sectors === 0;

/**
 * The partitions Linux sees in an MBR: primaries numbered by slot (1-4), then
 * the logical partitions of the extended partition's chain from 5. Partitions
 * that run past the end of the disk are cut there, as Linux does.
 */
export async function readMbrPartitions(disk: RandomAccessReader, sector0: Uint8Array, findings: Finding[]): Promise<Partition[]> {
  const diskSectors = Math.floor(disk.size / SECTOR);
  const partitions: Partition[] = [];
  const add = (number: number, type: number, start: number, sectors: number, bootable: boolean) => {
    if (start >= diskSectors) {
      findings.push(MBR.partition_outside({ number, start, sectors: diskSectors }));
      return;
    }
    let length = sectors;
    if (start + sectors > diskSectors) {
      findings.push(MBR.partition_past_end({ number, first: start, last: start + sectors - 1, sectors: diskSectors }));
      length = diskSectors - start;
    }
    partitions.push({ number, start: start * SECTOR, size: length * SECTOR, type: `0x${type.toString(16).padStart(2, "0")}`, role: mbrRole(type), bootable });
  };

  const next = { number: 5 };
  for (const entry of mbrEntries(sector0)) {
    if (isEmpty(entry)) continue;
    add(entry.slot + 1, entry.type, entry.start, entry.sectors, entry.bootable);
    // Like Linux, every extended primary gets its chain read; logical numbers continue across them.
    if (isExtendedType(entry.type)) await readLogicalPartitions(disk, entry, next, add, findings);
  }
  reportOverlaps(
    partitions.filter((p) => p.role !== "extended"),
    findings,
  );
  return partitions.sort((a, b) => a.number - b.number);
}

async function readLogicalPartitions(
  disk: RandomAccessReader,
  extended: MbrEntry,
  next: { number: number },
  add: (number: number, type: number, start: number, sectors: number, bootable: boolean) => void,
  findings: Finding[],
): Promise<void> {
  const visited = new Set<number>();
  let ebrSector = extended.start;
  let ebrSectors = extended.sectors;
  for (let links = 0; ; links++) {
    if (links >= MAX_CHAIN || next.number > MAX_PARTITION_NUMBER) {
      findings.push(MBR.chain_too_long({ links: MAX_CHAIN }));
      return;
    }
    if (visited.has(ebrSector)) {
      findings.push(MBR.chain_loop({ sector: ebrSector }));
      return;
    }
    visited.add(ebrSector);
    if (ebrSector * SECTOR >= disk.size) {
      findings.push(MBR.chain_past_end({ sector: ebrSector }));
      return;
    }
    const ebr = await disk.read(ebrSector * SECTOR, SECTOR);
    if (!hasMbrSignature(ebr)) return;
    const entries = mbrEntries(ebr);
    for (const entry of entries) {
      if (isEmpty(entry) || isExtendedType(entry.type)) continue;
      const start = ebrSector + entry.start;
      // Linux distrusts the 3rd and 4th entries of an EBR unless they fit inside it and the extended partition.
      const fits = entry.start + entry.sectors <= ebrSectors && start >= extended.start && start + entry.sectors <= extended.start + extended.sectors;
      if (entry.slot >= 2 && !fits) continue;
      add(next.number++, entry.type, start, entry.sectors, entry.bootable);
    }
    const link = entries.find((entry) => !isEmpty(entry) && isExtendedType(entry.type));
    if (!link) return;
    ebrSector = extended.start + link.start;
    ebrSectors = link.sectors;
  }
}

function reportOverlaps(partitions: Partition[], findings: Finding[]): void {
  const sorted = [...partitions].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].start < prev.start + prev.size) {
      findings.push(MBR.partitions_overlap({ first: prev.number, second: sorted[i].number }));
    }
  }
}
