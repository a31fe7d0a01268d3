import type { PartitionTable } from "../disk/partition-table";
import { isInspectError } from "../errors";
import type { FileSystem } from "../fs/file-system";
import { GuestFs } from "../fs/guest-fs";
import type { Firmware } from "../report";

const MAX_VENDORS = 64;

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

/**
 * How the disk boots: UEFI when an EFI system partition holds a loader, BIOS
 * when there is a BIOS boot partition (GRUB on GPT) or boot code in the MBR.
 */
export async function detectFirmware(table: PartitionTable | null, espFileSystems: FileSystem[]): Promise<Firmware[]> {
  const firmware: Firmware[] = [];
  if (table && (table.hasBootCode || table.partitions.some((p) => p.role === "bios-boot"))) firmware.push("bios");
  for (const fs of espFileSystems) {
    // A damaged ESP holds no loader the firmware could start.
    const loader = await efiLoader(fs).catch((error: unknown) => {
      if (isInspectError(error)) return null;
      throw error;
    });
    if (loader) {
      firmware.push("uefi");
      break;
    }
  }
  return firmware;
}
