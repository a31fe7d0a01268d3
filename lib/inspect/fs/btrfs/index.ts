import type { RandomAccessReader } from "../../reader";
import { BtrfsFileSystem } from "./btrfs-file-system";

export { BtrfsFileSystem, MAX_READ_BYTES, type BtrfsRef, type BtrfsSubvolume } from "./btrfs-file-system";

/**
 * Opens the single-device btrfs on `reader` (a partition), rooted at its
 * default subvolume, as a plain mount shows it. Null when there is no btrfs
 * superblock magic at 64 KiB; an InspectError ("corrupt", "truncated",
 * "unsupported", "limit") when there is one but the file system cannot be read.
 *
 * For /etc/fstab: `fs.subvolume("@/home")` is `subvol=@/home` (resolved from
 * the top level, id 5), `fs.subvolumeById(257)` is `subvolid=257`, and
 * `fs.subvolumes()` lists every subvolume with its path; each returns another
 * BtrfsFileSystem over the same device and caches.
 */
export function openBtrfsFileSystem(reader: RandomAccessReader): Promise<BtrfsFileSystem | null> {
  return BtrfsFileSystem.open(reader);
}
