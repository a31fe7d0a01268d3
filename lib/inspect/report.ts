/**
 * The shape `hangar inspect --json` prints and the catalog stores. Field names
 * marked "contract" are public: scripts rely on them.
 */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface Check {
  /** Stable id such as "format.supported" or "virtio.disk" (contract). */
  id: string;
  /** Stable code of the outcome, `<subject>.<reason>` such as "windows.viostor_missing" (contract). */
  code?: string;
  /** contract */
  status: CheckStatus;
  /** What is wrong (or right), in words a person understands (contract). */
  message: string;
  /** A command or step the user can run to fix it (contract). */
  fix?: string;
  /** The guest path (or file offset) that is the evidence. */
  path?: string;
}

export type Verdict = "accepted" | "rejected";

/** Container and disk formats the inspector recognises from the bytes. */
export type ImageFormat =
  | "raw"
  | "qcow2"
  | "vmdk"
  | "vhd"
  | "vhdx"
  | "vdi"
  | "qed"
  | "iso9660"
  | "udf"
  | "luks"
  | "qcow"
  | "parallels"
  | "bochs"
  | "cloop"
  | "dmg"
  | "gzip"
  | "xz"
  | "zstd"
  | "bzip2"
  | "zip"
  | "tar";

/** What the container says about itself, before looking inside the guest. */
export interface FormatInfo {
  /** contract */
  format: ImageFormat;
  /** Size of the disk the guest sees, in bytes; null when the format does not say (contract). */
  virtualSize: number | null;
  /** Size of the file, in bytes (contract). */
  fileSize: number;
  clusterSize?: number;
  /** e.g. "zlib", "zstd", "deflate" (streamOptimized grains). */
  compression?: string;
  encrypted?: boolean;
  /** e.g. the vmdk createType, the vhd disk type, the qcow2 version. */
  subformat?: string;
  /** qcow2 with extended L2 entries (subcluster allocation). */
  extendedL2?: boolean;
  backingFile?: string;
  dataFile?: string;
  dirty?: boolean;
  corrupt?: boolean;
  /** The partition table on the guest disk, when one is visible from the container. */
  partitionTable?: "mbr" | "gpt" | null;
}

export type Firmware = "bios" | "uefi";

export type FileSystemKind = "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "ntfs" | "vfat";

/** What the guest checks learned about the operating system inside (contract: the `guest` object). */
export interface GuestInfo {
  osType: "linux" | "windows" | null;
  /** os-release ID, e.g. "debian", "rhel", "ubuntu". */
  distro: string | null;
  version: string | null;
  prettyName: string | null;
  arch: "x86_64" | "aarch64" | string | null;
  /** Installed kernel versions, e.g. "6.1.0-18-amd64". */
  kernels: string[];
  firmware: Firmware[];
  /**
   * Where the root file system is: the partition number (null for a whole-disk file system) and its
   * type; on LVM, the partition of the physical volume and the logical volume ("vg/lv").
   */
  root: { partition: number | null; fileSystem: FileSystemKind; logicalVolume?: string } | null;
}

export interface InspectionReport extends FormatInfo {
  /** contract */
  verdict: Verdict;
  /** contract */
  checks: Check[];
  /** Present when the guest was inspected. */
  guest?: GuestInfo;
}
