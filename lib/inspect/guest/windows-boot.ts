import type { PartitionTable } from "../disk/partition-table";
import { isInspectError } from "../errors";
import type { FileSystem } from "../fs/file-system";
import { GuestFs } from "../fs/guest-fs";

/** The Microsoft reserved partition, which Windows setup creates on every GPT disk it installs to. */
const MICROSOFT_RESERVED = "e3c9e316-0b5c-4db8-817d-f92df00215ae";

/**
 * Whether an NTFS volume is a Windows installation rather than a data disk,
 * judged by the layout Windows setup leaves (NTFS itself is not read): on
 * UEFI, the Windows Boot Manager on an EFI system partition or the Microsoft
 * reserved partition; on BIOS, an active NTFS partition (System Reserved, or
 * C: itself) with boot code in the MBR.
 */
export async function hasWindowsBootLayout(table: PartitionTable | null, espFileSystems: FileSystem[], ntfsPartitions: number[]): Promise<boolean> {
  if (!table) return false;
  if (table.scheme === "gpt" && table.partitions.some((p) => p.type === MICROSOFT_RESERVED)) return true;
  if (table.scheme === "mbr" && table.hasBootCode && table.partitions.some((p) => p.bootable && ntfsPartitions.includes(p.number))) return true;
  for (const fs of espFileSystems) {
    const boot = await new GuestFs(fs).stat("/EFI/Microsoft/Boot/bootmgfw.efi").catch((error: unknown) => {
      if (isInspectError(error)) return null;
      throw error;
    });
    if (boot?.type === "file") return true;
  }
  return false;
}
