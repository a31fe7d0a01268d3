/**
 * The names a guest's /etc/fstab, crypttab or kernel command line may use for
 * an LV: /dev/VG/LV (LVM's symlink), /dev/mapper/VG-LV (device-mapper's name,
 * with every "-" inside the VG and LV names doubled, as dm_build_dm_name does),
 * the udev by-id links, and with the uuids the dm-uuid link
 * ("LVM-" + VG uuid + LV uuid, without dashes).
 */
export function lvmDeviceNames(vg: string, lv: string, uuids?: { vg: string; lv: string }): string[] {
  const dmName = `${vg.replaceAll("-", "--")}-${lv.replaceAll("-", "--")}`;
  const names = [`/dev/${vg}/${lv}`, `/dev/mapper/${dmName}`, `/dev/disk/by-id/dm-name-${dmName}`];
  if (uuids) names.push(`/dev/disk/by-id/dm-uuid-LVM-${uuids.vg.replaceAll("-", "")}${uuids.lv.replaceAll("-", "")}`);
  return names;
}
