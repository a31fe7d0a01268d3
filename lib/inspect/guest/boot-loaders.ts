import { isZero, u32le, u64le } from "../binary";
import type { Partition, PartitionTable } from "../disk/partition-table";
import { isInspectError } from "../errors";
import type { FileSystem } from "../fs/file-system";
import { GuestFs } from "../fs/guest-fs";
import type { RandomAccessReader } from "../reader";
import type { Firmware } from "../report";

const SECTOR = 512;
const MAX_VENDORS = 64;
/** GRUB's boot.img, and GRUB Legacy's stage1, carry this text ("GRUB \0Geom\0Hard Disk\0Read\0 Error"). */
const GRUB_MARK = [0x47, 0x52, 0x55, 0x42, 0x20];
/** Where boot.img (GRUB 2) and stage1 (GRUB Legacy) keep the sector they load: core.img, stage1.5 or stage2. */
const GRUB2_KERNEL_SECTOR = 0x5c;
const GRUB_LEGACY_STAGE2_SECTOR = 0x44;

/** A boot loader found on the disk: where it is, in words and as the evidence path. */
export interface FoundLoader {
  /** What starts the guest: "GRUB (boot code in the MBR, core.img at sector 2048)". */
  what: string;
  /** The evidence: a place on the disk ("sector 0 (MBR)") or a path on the EFI system partition. */
  where: string;
}

/** How the disk boots, or why it does not. */
export interface BootLoaders {
  bios: FoundLoader | null;
  /** Why BIOS finds nothing to start, when `bios` is null. */
  biosProblem: string;
  uefi: FoundLoader | null;
  /** Why UEFI finds nothing to start, when `uefi` is null. */
  uefiProblem: string;
}

/** The firmware that can start the disk, as the report's guest object says it. */
export const firmwareOf = (loaders: BootLoaders): Firmware[] => [...(loaders.bios ? ["bios" as const] : []), ...(loaders.uefi ? ["uefi" as const] : [])];

const hasMark = (code: Uint8Array, mark: number[]) => code.some((_, i) => mark.every((byte, j) => code[i + j] === byte));
const bootSignature = (sector: Uint8Array) => sector.length === SECTOR && sector[510] === 0x55 && sector[511] === 0xaa;

/**
 * What BIOS would start: the boot code of sector 0 and what it loads. GRUB's
 * code loads the sector its boot.img names (the embedding area after the MBR,
 * or the BIOS boot partition on GPT), which must hold core.img; any other boot
 * code (a generic MBR, syslinux, Windows) starts the active partition's boot
 * sector, which must hold code of its own. Boot code that loads nothing
 * boots nothing.
 */
async function biosLoader(disk: RandomAccessReader, table: PartitionTable | null): Promise<{ found: FoundLoader } | { problem: string }> {
  const sector0 = await disk.read(0, SECTOR);
  const code = sector0.subarray(0, 440);
  if (!bootSignature(sector0) || isZero(code)) return { problem: "the MBR holds no boot code" };
  const sectors = Math.floor(disk.size / SECTOR);
  if (hasMark(code, GRUB_MARK)) {
    const candidates = [u64le(sector0, GRUB2_KERNEL_SECTOR), u32le(sector0, GRUB_LEGACY_STAGE2_SECTOR)].filter((n) => n >= 1 && n < sectors);
    for (const lba of candidates) {
      if (!isZero(await disk.read(lba * SECTOR, SECTOR)))
        return { found: { what: `GRUB (boot code in the MBR, core.img at sector ${lba})`, where: "sector 0 (MBR)" } };
    }
    return { problem: `GRUB's boot code in the MBR loads sector ${candidates[0] ?? 1}, which is empty: core.img was never installed` };
  }
  if (!table) return { found: { what: "boot code in sector 0", where: "sector 0" } };
  const active = table.partitions.filter((p) => p.bootable);
  if (active.length === 0) return { problem: "the MBR's boot code starts the active partition, and no partition is marked active" };
  for (const partition of active) {
    if (await hasBootSector(disk, partition)) {
      return { found: { what: `boot code in the MBR and in partition ${partition.number}'s boot sector`, where: `partition ${partition.number}, sector 0` } };
    }
  }
  return { problem: `the MBR's boot code starts partition ${active[0].number}, whose boot sector holds no code` };
}

async function hasBootSector(disk: RandomAccessReader, partition: Partition): Promise<boolean> {
  const sector = await disk.read(partition.start, SECTOR);
  return bootSignature(sector) && !isZero(sector.subarray(0, 440));
}

/**
 * Whether an EFI system partition holds a boot loader the firmware can start:
 * the removable-media path EFI/BOOT/BOOT<arch>.EFI, or a distribution's
 * directory (EFI/debian, EFI/redhat, EFI/Microsoft/Boot...) with an .efi file
 * registered in the firmware's boot entries. Returns the loader's path.
 */
export async function efiLoader(fs: FileSystem): Promise<string | null> {
  const esp = new GuestFs(fs);
  for (const entry of (await esp.readdir("/EFI/BOOT")) ?? []) {
    if (entry.type === "file" && /^BOOT.*\.EFI$/i.test(entry.name)) return `/EFI/BOOT/${entry.name}`;
  }
  const vendors = ((await esp.readdir("/EFI")) ?? []).filter((e) => e.type === "directory" && e.name.toUpperCase() !== "BOOT").slice(0, MAX_VENDORS);
  for (const vendor of vendors) {
    for (const dir of [`/EFI/${vendor.name}`, `/EFI/${vendor.name}/Boot`]) {
      const loader = ((await esp.readdir(dir)) ?? []).find((e) => e.type === "file" && /\.efi$/i.test(e.name));
      if (loader) return `${dir}/${loader.name}`;
    }
  }
  return null;
}

/** An EFI system partition, and the file system read from it. */
export interface Esp {
  partition: Partition | null;
  fs: FileSystem;
}

async function uefiLoader(esps: Esp[]): Promise<{ found: FoundLoader } | { problem: string }> {
  if (esps.length === 0) return { problem: "there is no EFI system partition" };
  for (const esp of esps) {
    // A damaged ESP holds no loader the firmware could start.
    const loader = await efiLoader(esp.fs).catch((error: unknown) => {
      if (isInspectError(error)) return null;
      throw error;
    });
    const where = esp.partition ? `partition ${esp.partition.number}` : "the EFI system partition";
    if (loader) return { found: { what: `${loader} on ${where}`, where: loader } };
  }
  return { problem: "the EFI system partition holds no loader (EFI/BOOT/BOOTX64.EFI or a distribution's .efi file)" };
}

/** How the disk boots: BIOS when boot code in sector 0 starts a loader, UEFI when an EFI system partition holds one. */
export async function findBootLoaders(disk: RandomAccessReader, table: PartitionTable | null, esps: Esp[]): Promise<BootLoaders> {
  const bios = disk.size >= SECTOR ? await biosLoader(disk, table) : { problem: "the disk is smaller than one sector" };
  const uefi = await uefiLoader(esps);
  return {
    bios: "found" in bios ? bios.found : null,
    biosProblem: "problem" in bios ? bios.problem : "",
    uefi: "found" in uefi ? uefi.found : null,
    uefiProblem: "problem" in uefi ? uefi.problem : "",
  };
}
