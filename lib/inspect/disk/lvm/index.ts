/**
 * Read-only LVM2: finds the volume groups on a disk's physical volumes and
 * gives each visible logical volume a reader over the PV bytes (linear,
 * striped, raid0/raid1/mirror legs, thin volumes through their pool), or
 * null and the reason it cannot be read.
 *
 *   const pvs = table.partitions.filter((p) => p.role === "lvm").map((p) => sliceReader(disk, p.start, p.size));
 *   const scan = await readLvm(pvs);   // no partition table: readLvm([disk]) when isLvmPhysicalVolume(disk)
 *   for (const lv of scan.volumeGroups.flatMap((vg) => vg.logicalVolumes)) {
 *     if (lv.reader) probe(lv.reader, lv.deviceNames);   // "/dev/mapper/rhel-root", "/dev/rhel/root", ...
 *     else note(`${lv.vg}/${lv.name}: ${lv.reason}`);
 *   }
 *   scan.warnings;   // damaged or outdated metadata copies that did not stop the scan
 */
export { lvmDeviceNames } from "./device-names";
export { isLvmPhysicalVolume } from "./label";
export type { LvmLogicalVolume, LvmPhysicalVolume, LvmScan, LvmVolumeGroup } from "./scan";
export { readLvm } from "./scan";
