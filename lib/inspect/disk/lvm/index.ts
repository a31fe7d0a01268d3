/**
 * Read-only LVM2: finds the volume groups on a disk's physical volumes and
 * gives each logical volume a reader over the PV bytes.
 *
 *   const pvs = partitions.filter((p) => p.role === "lvm").map((p) => sliceReader(disk, p.start, p.size));
 *   const scan = await readLvm(pvs);
 *   for (const vg of scan.volumeGroups) for (const lv of vg.logicalVolumes) lv.reader ?? lv.reason;
 */
export { lvmDeviceNames } from "./device-names";
export { isLvmPhysicalVolume } from "./label";
export type { LvmLogicalVolume, LvmPhysicalVolume, LvmScan, LvmVolumeGroup } from "./scan";
export { readLvm } from "./scan";
