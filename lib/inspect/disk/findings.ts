import { defineFindings } from "../findings";

const REPAIR = [
  "Repair the partition table inside the image (gdisk: expert menu, then n to build a new protective MBR),",
  "or convert it with a tool that writes a clean GPT.",
] as const;
const UPLOAD_INNER = "Upload the disk itself, not an image file wrapped inside another.";

/** A GPT as Linux reads it: the protective MBR, both headers, every entry. */
export const GPT = defineFindings("gpt", {
  unreadable: {
    area: "integrity",
    status: "fail",
    message: "The disk has a protective MBR for a GPT, but neither the primary nor the backup GPT is valid ({reason}), so Linux sees no partitions.",
  },
  primary_invalid: {
    area: "integrity",
    status: "warn",
    message: "The primary GPT is invalid ({reason}); Linux falls back to the backup GPT at the end of the disk.",
    fix: REPAIR,
  },
  hybrid_mbr: {
    area: "safe",
    status: "warn",
    message: "The disk has a hybrid MBR: {count} listed in the MBR as well as the GPT, so BIOS-era tools and Linux may see different partitions.",
    fix: REPAIR,
  },
  protective_mbr_missing: {
    area: "safe",
    status: "fail",
    message: [
      "The disk has a GPT but no protective MBR (an 0xEE partition starting at sector 1): Linux ignores such a GPT and reads the MBR instead,",
      "while firmware and other tools use the GPT, so they disagree on the partitions.",
    ],
    fix: REPAIR,
  },
  protective_mbr_misplaced: {
    area: "integrity",
    status: "fail",
    message: "The MBR has a GPT-protective (0xEE) entry that does not start at sector 1, and there is no valid GPT behind it, so Linux sees no partitions.",
  },
  partition_past_end: {
    area: "integrity",
    status: "fail",
    message: "GPT partition {number} (sectors {first}-{last}) ends past the end of the {sectors}-sector disk, so Linux ignores it; the image looks truncated.",
  },
  partition_reversed: { area: "integrity", status: "fail", message: "GPT partition {number} ends (sector {last}) before it starts (sector {first})." },
});

/** An MBR and its chain of extended boot records, as Linux reads them. */
export const MBR = defineFindings("mbr", {
  partition_outside: { area: "integrity", status: "fail", message: "Partition {number} starts at sector {start}, past the end of the {sectors}-sector disk." },
  partition_past_end: {
    area: "integrity",
    status: "fail",
    message: "Partition {number} runs past the end of the disk (sectors {first}-{last} of {sectors}); the image looks truncated.",
  },
  chain_too_long: {
    area: "integrity",
    status: "warn",
    message: "The extended partition's chain has more than {links} links; Linux stops there, and so does Hangar.",
  },
  chain_loop: { area: "integrity", status: "fail", message: "The extended partition's chain loops back to sector {sector}." },
  chain_past_end: { area: "integrity", status: "fail", message: "The extended partition's chain points to sector {sector}, past the end of the disk." },
  partitions_overlap: { area: "integrity", status: "warn", message: "Partitions {first} and {second} overlap." },
});

/** Image formats hidden in the guest disk, where a host tool that lets qemu probe would open them (nested-images.ts). */
export const NESTED = defineFindings("nested", {
  image_in_disk: {
    area: "safe",
    status: "fail",
    message: [
      "The disk inside this {container} image is itself a {inner} image: a cloud that converts it to raw and later lets qemu detect the format",
      "would open the inner image, which can make it read any file on the host.",
    ],
    fix: UPLOAD_INNER,
  },
  other_format_in_disk: {
    area: "safe",
    status: "fail",
    message: [
      "The disk inside this {container} image is itself a {inner} image: a cloud that converts it to raw and later lets qemu detect the format",
      "would open the inner image instead of the disk.",
    ],
    fix: UPLOAD_INNER,
  },
  image_in_partition: {
    area: "safe",
    status: "fail",
    message: [
      "Partition {number} holds a {inner} image instead of a file system: a host that sees the guest's partitions as block devices",
      "and lets qemu detect their format would open it, and it can name any file on the host.",
    ],
    fix: UPLOAD_INNER,
  },
});
