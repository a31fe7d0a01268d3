import { isInspectError } from "../errors";
import type { RandomAccessReader } from "../reader";
import { openBtrfsFileSystem } from "./btrfs";
import { openExtFileSystem } from "./ext";
import { openFatFileSystem } from "./fat/fat";
import { openNtfsFileSystem } from "./ntfs";
import type { FileSystem } from "./file-system";
import { openXfsFileSystem } from "./xfs";

export type FileSystemOpener = (reader: RandomAccessReader) => Promise<FileSystem | null>;

/** Each reader, in the order they are tried; each looks for its own magic first and returns null when it is absent. */
export const FILE_SYSTEM_OPENERS: { name: string; open: FileSystemOpener }[] = [
  { name: "ext2/3/4", open: openExtFileSystem },
  { name: "XFS", open: openXfsFileSystem },
  { name: "btrfs", open: openBtrfsFileSystem },
  { name: "FAT", open: openFatFileSystem },
];

export type VolumeProbe =
  | { kind: "file-system"; fs: FileSystem }
  /**
   * Windows volumes, recognised from the boot sector: NTFS is opened (`fs`, or why it could not be:
   * `problem`) for the Windows checks; a BitLocker volume is not read.
   */
  | { kind: "windows"; format: "ntfs" | "bitlocker"; fs?: FileSystem; problem?: string }
  /** Nothing recognised; `problems` says which reader found its magic but could not read the rest. */
  | { kind: "unknown"; problems: string[] };

/** The OEM id in an NTFS or BitLocker boot sector. */
function windowsVolume(boot: Uint8Array): "ntfs" | "bitlocker" | null {
  if (boot.length < 512 || boot[510] !== 0x55 || boot[511] !== 0xaa) return null;
  const oem = new TextDecoder("latin1").decode(boot.subarray(3, 11));
  return oem === "NTFS    " ? "ntfs" : oem === "-FVE-FS-" ? "bitlocker" : null;
}

/** What is on a partition (or a whole disk): a file system one of the readers opens, a Windows volume, or nothing known. */
export async function probeVolume(reader: RandomAccessReader, openers = FILE_SYSTEM_OPENERS): Promise<VolumeProbe> {
  const windows = windowsVolume(await reader.read(0, 512));
  if (windows === "ntfs") {
    try {
      const fs = await openNtfsFileSystem(reader);
      return { kind: "windows", format: windows, ...(fs ? { fs } : {}) };
    } catch (error) {
      if (!isInspectError(error)) throw error;
      return { kind: "windows", format: windows, problem: error.message };
    }
  }
  if (windows) return { kind: "windows", format: windows };
  const problems: string[] = [];
  for (const opener of openers) {
    try {
      const fs = await opener.open(reader);
      if (fs) return { kind: "file-system", fs };
    } catch (error) {
      if (!isInspectError(error)) throw error;
      problems.push(`${opener.name}: ${error.message}`);
    }
  }
  return { kind: "unknown", problems };
}
