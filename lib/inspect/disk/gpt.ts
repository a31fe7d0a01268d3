import { guidLe, matches, u32le, u64le, utf16le } from "../binary";
import type { Finding } from "../findings";
import { GPT } from "./findings";
import type { RandomAccessReader } from "../reader";
import { crc32 } from "../util/crc32";
import { gptRole } from "./partition-roles";
import type { Partition } from "./partition-table";

/** The UEFI specification's GUID Partition Table, validated the way Linux does (block/partitions/efi.c). */
const ENTRY_SIZE = 128;
/** Real tables have 128 entries (16 KiB); we read at most this much of an entry array. */
const MAX_ENTRY_BYTES = 1024 * 1024;
/** Linux numbers partitions up to 255. */
const MAX_PARTITIONS = 255;

export interface Gpt {
  sectorSize: number;
  lba: number;
  alternateLba: number;
  firstUsable: number;
  lastUsable: number;
  diskGuid: string;
  entries: Uint8Array;
  entryCount: number;
}

export type GptRead = { ok: true; gpt: Gpt } | { ok: false; reason: string };

/** The sector size whose LBA 1 holds a GPT signature (512 or 4096), or null. */
export async function gptSectorSize(disk: RandomAccessReader): Promise<number | null> {
  for (const size of [512, 4096]) {
    if (disk.size >= size * 2 && matches(await disk.read(size, 8), 0, "EFI PART")) return size;
  }
  return null;
}

/** The GPT header at `lba` and its entry array, or why Linux would reject it. */
export async function readGpt(disk: RandomAccessReader, lba: number, sectorSize: number): Promise<GptRead> {
  const lastLba = Math.floor(disk.size / sectorSize) - 1;
  if (lba < 1 || lba > lastLba) return { ok: false, reason: `its header would be at sector ${lba}, outside the disk` };
  const h = await disk.read(lba * sectorSize, sectorSize);
  if (!matches(h, 0, "EFI PART")) return { ok: false, reason: `there is no GPT signature at sector ${lba}` };
  const headerSize = u32le(h, 12);
  if (headerSize < 92 || headerSize > sectorSize) return { ok: false, reason: `the header size ${headerSize} is invalid` };
  const copy = h.slice(0, headerSize);
  copy.fill(0, 16, 20);
  if (crc32(copy) !== u32le(h, 16)) return { ok: false, reason: `the header checksum at sector ${lba} does not match` };
  if (u64le(h, 24) !== lba) return { ok: false, reason: `the header at sector ${lba} says it is at sector ${u64le(h, 24)}` };
  const firstUsable = u64le(h, 40);
  const lastUsable = u64le(h, 48);
  if (firstUsable > lastUsable || lastUsable > lastLba) {
    return { ok: false, reason: `its usable sectors ${firstUsable}-${lastUsable} do not fit the ${lastLba + 1}-sector disk (truncated?)` };
  }
  const entryCount = u32le(h, 80);
  const entrySize = u32le(h, 84);
  if (entrySize !== ENTRY_SIZE) return { ok: false, reason: `its entries are ${entrySize} bytes, not ${ENTRY_SIZE}` };
  if (entryCount * entrySize > MAX_ENTRY_BYTES) return { ok: false, reason: `it claims ${entryCount} entries, far more than a real table` };
  const entriesLba = u64le(h, 72);
  if (entriesLba < 1 || entriesLba > lastLba) return { ok: false, reason: `its partition entries would be at sector ${entriesLba}, outside the disk` };
  const entries = await disk.read(entriesLba * sectorSize, entryCount * entrySize);
  if (entries.length < entryCount * entrySize) return { ok: false, reason: "its partition entries lie past the end of the disk" };
  if (crc32(entries) !== u32le(h, 88)) return { ok: false, reason: "the partition entries' checksum does not match" };
  return {
    ok: true,
    gpt: { sectorSize, lba, alternateLba: u64le(h, 32), firstUsable, lastUsable, diskGuid: guidLe(h, 56), entries, entryCount },
  };
}

const LEGACY_BIOS_BOOTABLE = 4;

/** The partitions Linux creates from a valid GPT: entry i is partition i+1; empty and out-of-disk entries are skipped. */
export function gptPartitions(gpt: Gpt, diskSize: number, findings: Finding[]): Partition[] {
  const lastLba = Math.floor(diskSize / gpt.sectorSize) - 1;
  const partitions: Partition[] = [];
  for (let i = 0; i < Math.min(gpt.entryCount, MAX_PARTITIONS); i++) {
    const e = i * ENTRY_SIZE;
    const type = guidLe(gpt.entries, e);
    if (type === "00000000-0000-0000-0000-000000000000") continue;
    const first = u64le(gpt.entries, e + 32);
    const last = u64le(gpt.entries, e + 40);
    if (first > lastLba || last > lastLba) {
      findings.push(GPT.partition_past_end({ number: i + 1, first, last, sectors: lastLba + 1 }));
      continue;
    }
    if (last < first) {
      findings.push(GPT.partition_reversed({ number: i + 1, first, last }));
      continue;
    }
    const name = utf16le(gpt.entries, e + 56, 72);
    partitions.push({
      number: i + 1,
      start: first * gpt.sectorSize,
      size: (last - first + 1) * gpt.sectorSize,
      type,
      role: gptRole(type),
      ...(name ? { name } : {}),
      uuid: guidLe(gpt.entries, e + 16),
      // Attribute bit 2, "legacy BIOS bootable": what a generic MBR boot code (syslinux's gptmbr) starts.
      ...((gpt.entries[e + 48] & LEGACY_BIOS_BOOTABLE) !== 0 ? { bootable: true } : {}),
    });
  }
  return partitions;
}
