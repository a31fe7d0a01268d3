import { defineOutcomes } from "../codes";
import { defineFindings } from "../findings";

const LUKS = "This is a LUKS-encrypted volume: Hangar cannot look inside, and the cloud could not boot it without the key. Upload the decrypted disk.";

/** format.supported: what the file is, and what to run when Hangar does not take it. */
export const SUPPORTED = defineOutcomes("format.supported", {
  accepted: { status: "pass", message: "{description}." },
  empty: { status: "fail", message: "The file is empty.", fix: "Upload the disk image file itself." },
  compressed: { status: "fail", message: "The file is {label}-compressed, not a disk image. Decompress it first and upload the image inside." },
  archive: { status: "fail", message: "The file is a {label} archive, not a disk image. Decompress it first and upload the image inside." },
  optical: {
    status: "fail",
    message: "This is an {label} optical-disc image (installation media), not a virtual disk.",
    fix: [
      "Install the system from it into a virtual disk and upload that disk,",
      "e.g. qemu-img create -f qcow2 disk.qcow2 20G; virt-install --cdrom {file} --disk disk.qcow2 ...",
    ],
  },
  optical_hybrid: {
    status: "fail",
    message: [
      "This is an {label} optical-disc image (installation media), not a virtual disk.",
      "It also carries a partition table, so it can boot as a disk once converted.",
    ],
  },
  luks1_volume: {
    status: "fail",
    message: LUKS,
    fix: ["qemu-img convert -p --object secret,id=sec0,file=passphrase.txt", "--image-opts driver=luks,key-secret=sec0,file.filename={file} -O qcow2 {out}"],
  },
  luks2_volume: {
    status: "fail",
    message: LUKS,
    fix: "sudo cryptsetup open {file} image && sudo qemu-img convert -p -f raw -O qcow2 /dev/mapper/image {out} && sudo cryptsetup close image",
  },
  not_accepted: { status: "fail", message: "This is a {label} image{details}. Hangar accepts raw, QCOW2 and VMDK images; convert it to QCOW2." },
});

/** format.safe: its passes and skips; its failures and warnings are the findings of the parsers. */
export const SAFE = defineOutcomes("format.safe", {
  "qcow2.standalone": {
    status: "pass",
    message: "No backing file, no external data file, no encryption and only known features; the metadata tables have sane sizes.",
  },
  "vmdk.sparse_self_contained": {
    status: "pass",
    message: "One self-contained monolithicSparse extent: it names no other file and no parent disk, and its header and descriptor agree.",
  },
  "vmdk.stream_self_contained": {
    status: "pass",
    message: "One self-contained streamOptimized extent: it names no other file and no parent disk, and its header, footer and descriptor agree.",
  },
  "raw.standalone": { status: "pass", message: "A raw disk refers to no other file." },
  "raw.standalone_partitioned": { status: "pass", message: "A raw disk refers to no other file, and its {table} partition table is consistent." },
  no_references: { status: "pass", message: "Nothing in the headers refers to another file." },
  safe_skipped_packed: {
    status: "skip",
    message: "Not checked: the file is compressed or archived; Hangar checks the image inside once it is unpacked.",
  },
  safe_skipped_unreadable: { status: "skip", message: "Not checked: the image's headers could not be read (see format.integrity)." },
});

/** format.integrity: its passes and skips; its failures and warnings are the findings of the parsers and the walks. */
export const INTEGRITY = defineOutcomes("format.integrity", {
  tables_walked: { status: "pass", message: "Walked {walked}: every entry points inside the file." },
  "raw.consistent": { status: "pass", message: "A raw disk has no allocation tables; its size and partition table are consistent." },
  tables_inside: { status: "pass", message: "The headers' tables lie inside the file." },
  walk_deferred: { status: "skip", message: "The allocation tables are walked on the server after upload." },
  walk_skipped_rejected: { status: "skip", message: "Not walked, because the image is already rejected (see the failed checks)." },
  integrity_skipped_packed: { status: "skip", message: "Not checked: the file is compressed or archived." },
});

/** Findings of any format: what the detection, the limits and the readers of the headers and the guest disk say. */
export const FORMAT = defineFindings("format", {
  polyglot: {
    area: "safe",
    status: "fail",
    message: "The file is at the same time {formats}: programs would disagree on what it is, which is how hostile images slip past checks.",
    fix: "Upload the plain disk image, made by a tool such as qemu-img convert.",
  },
  virtual_size_over_limit: { area: "safe", status: "fail", message: "The virtual size ({size}) is above the limit of {limit}." },
  headers_over_limit: { area: "safe", status: "fail", message: "{reason}" },
  headers_unsupported: { area: "safe", status: "fail", message: "{reason}" },
  headers_truncated: { area: "integrity", status: "fail", message: "{reason}" },
  headers_corrupt: { area: "integrity", status: "fail", message: "{reason}" },
  walk_failed: { area: "integrity", status: "fail", message: "{reason}" },
  partition_table_unreadable: { area: "integrity", status: "fail", message: "The partition table could not be read: {reason}" },
  guest_disk_unreadable: { area: "integrity", status: "fail", message: "The partition table could not be read through the image's tables: {reason}" },
  nested_scan_failed: { area: "integrity", status: "fail", message: "The guest's disk could not be read while looking for images inside it: {reason}" },
});

/** A raw file is its disk: only its size can be wrong. */
export const RAW = defineFindings("raw", {
  smaller_than_sector: { area: "integrity", status: "fail", message: "The file has {size} bytes, less than one 512-byte sector: it is not a disk image." },
  partial_sector: {
    area: "integrity",
    status: "warn",
    message: "The size ({size} bytes) is not a whole number of 512-byte sectors; the last partial sector will read as zeros. The file may be truncated.",
  },
});
