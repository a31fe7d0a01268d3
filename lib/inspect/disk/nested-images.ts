import type { Finding } from "../findings";
import { NESTED } from "./findings";
import { qemuProbe, QEMU_PROBE_BYTES } from "../formats/detect";
import { FORMATS } from "../formats/registry";
import type { RandomAccessReader } from "../reader";
import type { ImageFormat } from "../report";
import type { Partition } from "./partition-table";

/**
 * Image formats hidden inside the guest disk, where a host tool that lets
 * qemu probe would open them (CVE-2024-32498's variants).
 *
 * The whole disk: a cloud that converts a QCOW2 or VMDK to raw (Nova's
 * force_raw_images, Glance's import conversion) and later opens the result
 * without naming the format gets whatever qemu's probe sees in its first
 * 2 KiB; an inner QCOW2 or VMDK descriptor then names host files. So the
 * guest disk of an accepted container must be raw to qemu's probe, exactly
 * as an uploaded raw file must be.
 *
 * Each partition: hosts see a guest's partitions as block devices (krbd,
 * iSCSI and LVM-backed disks, kpartx); a partition that probes as a format
 * that can name other files is the same trap one level down. Partitions
 * holding other formats (a LUKS volume) are ordinary and stay allowed.
 */
export async function nestedImageFindings(disk: RandomAccessReader, container: ImageFormat, partitions: readonly Partition[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (container !== "raw") {
    const inner = qemuProbe(await disk.read(0, QEMU_PROBE_BYTES));
    if (inner) {
      const values = { container: FORMATS[container].label, inner: FORMATS[inner].label };
      const finding = FORMATS[inner].namesFiles ? NESTED.image_in_disk : NESTED.other_format_in_disk;
      findings.push(finding(values, { path: "guest disk offset 0" }));
    }
  }
  for (const partition of partitions) {
    const inner = qemuProbe(await disk.read(partition.start, QEMU_PROBE_BYTES));
    if (inner && FORMATS[inner].namesFiles) {
      const values = { number: partition.number, inner: FORMATS[inner].label };
      findings.push(NESTED.image_in_partition(values, { path: `partition ${partition.number} (offset ${partition.start})` }));
    }
  }
  return findings;
}
