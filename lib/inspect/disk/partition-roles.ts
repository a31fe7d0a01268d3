import type { PartitionRole } from "./partition-table";

/** MBR partition type bytes (as in util-linux's fdisk list). */
const MBR_ROLES: Record<number, PartitionRole> = {
  0x05: "extended",
  0x0f: "extended",
  0x85: "extended",
  0x83: "linux",
  0x82: "swap",
  0x8e: "lvm",
  0xfd: "raid",
  0xef: "efi-system",
  0x07: "windows-data",
  0x27: "windows-recovery",
};

export const isExtendedType = (type: number): boolean => MBR_ROLES[type] === "extended";

export const mbrRole = (type: number): PartitionRole => MBR_ROLES[type] ?? "other";

/** GPT partition type GUIDs (UEFI spec, the Discoverable Partitions Specification, Microsoft). */
const GPT_ROLES: Record<string, PartitionRole> = {
  "c12a7328-f81f-11d2-ba4b-00a0c93ec93b": "efi-system",
  "21686148-6449-6e6f-744e-656564454649": "bios-boot",
  "0fc63daf-8483-4772-8e79-3d69d8477de4": "linux",
  "44479540-f297-41b2-9af7-d131d5f0458a": "linux", // root, x86
  "4f68bce3-e8cd-4db1-96e7-fbcaf984b709": "linux", // root, x86-64
  "69dad710-2ce4-4e3c-b16c-21a1d49abed3": "linux", // root, 32-bit ARM
  "b921b045-1df0-41c3-af44-4c6f280d3fae": "linux", // root, 64-bit ARM
  "993d8d3d-f80e-4225-855a-9daf8ed7ea97": "linux", // root, Itanium
  "60d5a7fe-8e7d-435c-b714-3dd8162144e1": "linux", // root, RISC-V 32
  "72ec70a6-cf74-40e6-bd49-4bda08e8f224": "linux", // root, RISC-V 64
  "d13c5d3b-b5d1-422a-b29f-9454fdc89d76": "linux", // /usr, x86-64
  "b0e01050-ee5f-4390-949a-9101b17104e9": "linux", // /usr, 64-bit ARM
  "bc13c2ff-59e6-4262-a352-b275fd6f7172": "linux", // /boot (XBOOTLDR)
  "933ac7e1-2eb4-4f13-b844-0e14e2aef915": "linux", // /home
  "3b8f8425-20e0-4f3b-907f-1a25a76f98e8": "linux", // /srv
  "4d21b016-b534-45c2-a9fb-5c16e091fd2d": "linux", // /var
  "7ec6f557-3bc5-4aca-b293-16ef5df639d1": "linux", // /var/tmp
  "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f": "swap",
  "e6d6d379-f507-44c2-a23c-238f2a3df928": "lvm",
  "a19d880f-05fc-4d3b-a006-743f0f84911e": "raid",
  "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7": "windows-data",
  "de94bba4-06d1-4d40-a16a-bfd50179d6ac": "windows-recovery",
};

export const gptRole = (type: string): PartitionRole => GPT_ROLES[type] ?? "other";
