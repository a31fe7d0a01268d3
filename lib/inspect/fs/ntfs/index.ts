import type { RandomAccessReader } from "../../reader";
import { isNtfsBootSector } from "./boot-sector";
import { NtfsFileSystem, type NtfsOptions } from "./ntfs-file-system";

export { NtfsFileSystem, type NtfsOptions } from "./ntfs-file-system";
export { isNtfsBootSector } from "./boot-sector";
export { NTFS } from "./ntfs-errors";

/**
 * Opens the NTFS volume on `reader` (a partition): null without the NTFS signature in the boot
 * sector, an InspectError when the signature is there but the volume cannot be read.
 */
export async function openNtfsFileSystem(reader: RandomAccessReader, options: NtfsOptions = {}): Promise<NtfsFileSystem | null> {
  if (!isNtfsBootSector(await reader.read(0, 512))) return null;
  return NtfsFileSystem.open(reader, options);
}
