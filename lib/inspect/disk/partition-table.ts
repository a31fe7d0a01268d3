/** Partition tables as the guest checks see them (filled by the disk layer's readers). */

export type PartitionRole = "linux" | "efi-system" | "bios-boot" | "swap" | "lvm" | "raid" | "extended" | "windows-data" | "windows-recovery" | "other";

export interface Partition {
  /** The number Linux gives it (vda1 is 1); MBR logical partitions start at 5. */
  number: number;
  /** Byte offset of the first byte on the disk. */
  start: number;
  /** Length in bytes. */
  size: number;
  /** The MBR type byte ("0x83") or the GPT partition type GUID, lowercase. */
  type: string;
  role: PartitionRole;
  /** GPT partition name. */
  name?: string;
  /** GPT unique partition GUID, lowercase (what PARTUUID= refers to). */
  uuid?: string;
  /** MBR active flag, or GPT's "legacy BIOS bootable" attribute. */
  bootable?: boolean;
}

export interface PartitionTable {
  scheme: "mbr" | "gpt";
  partitions: Partition[];
  /** MBR disk signature or GPT disk GUID. */
  diskId?: string;
  /** The first 440 bytes of sector 0 hold boot code (not all zero): a BIOS boot loader is installed. */
  hasBootCode: boolean;
}
