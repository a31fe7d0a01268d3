/**
 * The shape `hangar inspect --json` prints and the catalog stores. Field names
 * marked "contract" are public: scripts rely on them.
 */
export const CHECK_STATUSES = ["pass", "warn", "fail", "skip"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface Check {
  /** Stable id such as "format.supported" or "virtio.disk" (contract). */
  id: string;
  /** Stable code of the outcome, `<subject>.<reason>` such as "qcow2.backing_file" (contract; docs/checks.md lists them). */
  code: string;
  /** Only when the check reports several findings at once: every finding's code, `code` first (contract). */
  codes?: string[];
  /** contract */
  status: CheckStatus;
  /** What is wrong (or right), in words a person understands (contract). */
  message: string;
  /** A command or step the user can run to fix it (contract). */
  fix?: string;
  /** The guest path (or file offset) that is the evidence. */
  path?: string;
}

export const VERDICTS = ["accepted", "rejected"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Container and disk formats the inspector recognises from the bytes. */
export const IMAGE_FORMATS = [
  "raw",
  "qcow2",
  "vmdk",
  "vhd",
  "vhdx",
  "vdi",
  "qed",
  "iso9660",
  "udf",
  "luks",
  "qcow",
  "parallels",
  "bochs",
  "cloop",
  "dmg",
  "gzip",
  "xz",
  "zstd",
  "bzip2",
  "zip",
  "tar",
] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

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

export const FIRMWARE = ["bios", "uefi"] as const;
export type Firmware = (typeof FIRMWARE)[number];

export const FILE_SYSTEM_KINDS = ["ext2", "ext3", "ext4", "xfs", "btrfs", "ntfs", "vfat"] as const;
export type FileSystemKind = (typeof FILE_SYSTEM_KINDS)[number];

/** What the guest checks learned about the operating system inside (contract: the `guest` object). */
export interface GuestInfo {
  osType: "linux" | "windows" | null;
  /** os-release ID, e.g. "debian", "rhel", "ubuntu". */
  distro: string | null;
  version: string | null;
  prettyName: string | null;
  /** "x86_64", "aarch64", ... (the ELF machine of /bin/sh). */
  arch: string | null;
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

/** The report the catalog stores on an image: an inspection report, or only a verdict and checks when the file could not be read. */
export type StoredReport = Pick<InspectionReport, "verdict" | "checks"> & Partial<Omit<InspectionReport, "verdict" | "checks">>;
