import type { Partition, PartitionTable } from "../disk/partition-table";
import type { FileSystem } from "../fs/file-system";

export interface FstabEntry {
  spec: string;
  mountPoint: string;
  type: string;
  options: string[];
}

/** fstab(5) escapes blanks and backslashes in octal: \040 is a space. */
const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

export function parseFstab(text: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    if (fields.length < 2) continue;
    entries.push({ spec: unescape(fields[0]), mountPoint: unescape(fields[1]), type: fields[2] ?? "auto", options: (fields[3] ?? "defaults").split(",") });
  }
  return entries;
}

/** Something the spec can name: a partition (or the whole disk, or an LVM logical volume on one) and the file system on it. */
export interface Volume {
  partition: Partition | null;
  fs: FileSystem | null;
  /** An LVM logical volume: "vg/lv" and the device names fstab may use for it (lvmDeviceNames). */
  lvm?: { name: string; deviceNames: string[] };
}

/** udev writes characters such as "/" in /dev/disk/by-label names as \x2f. */
const udevUnescape = (name: string) => name.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
const sameId = (a: string | null | undefined, b: string) => !!a && a.replace(/[{}]/g, "").toLowerCase() === b.replace(/[{}]/g, "").toLowerCase();

/** The partition number in a kernel device name: vda2, sda2, xvda2, hda2, nvme0n1p2, mmcblk0p2; 0 for the whole disk. */
function deviceNumber(path: string): number | null {
  const disk = /^\/dev\/(?:[svh]d[a-z]|xvd[a-z])(\d*)$/.exec(path) ?? /^\/dev\/(?:nvme\d+n\d+|mmcblk\d+)(?:p(\d+))?$/.exec(path);
  if (!disk) return null;
  return disk[1] ? Number(disk[1]) : 0;
}

/** The MBR PARTUUID is the disk signature and the partition number: "1234abcd-02". */
const mbrPartUuid = (table: PartitionTable, partition: Partition) =>
  table.scheme === "mbr" && table.diskId ? `${table.diskId.replace(/^0x/, "").padStart(8, "0")}-${partition.number.toString(16).padStart(2, "0")}` : null;

/** The volume an fstab spec (UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/disk/by-*, /dev/mapper/VG-LV, /dev/VG/LV, /dev/vdaN) names, or null. */
export function resolveSpec(spec: string, volumes: Volume[], table: PartitionTable | null): Volume | null {
  let key = spec;
  const byPath = /^\/dev\/disk\/by-(uuid|label|partuuid|partlabel)\/(.+)$/.exec(spec);
  if (byPath) key = `${byPath[1].toUpperCase()}=${udevUnescape(byPath[2])}`;
  const tagged = /^(UUID|LABEL|PARTUUID|PARTLABEL)=(.*)$/.exec(key);
  if (tagged) {
    const value = tagged[2].replace(/^"(.*)"$/, "$1");
    switch (tagged[1]) {
      case "UUID":
        return volumes.find((v) => sameId(v.fs?.uuid, value)) ?? null;
      case "LABEL":
        return volumes.find((v) => v.fs?.label === value) ?? null;
      case "PARTUUID":
        return volumes.find((v) => v.partition && (sameId(v.partition.uuid, value) || (table && sameId(mbrPartUuid(table, v.partition), value)))) ?? null;
      case "PARTLABEL":
        return volumes.find((v) => v.partition?.name === value) ?? null;
    }
  }
  const logical = volumes.find((v) => v.lvm?.deviceNames.includes(spec));
  if (logical) return logical;
  const number = deviceNumber(spec);
  if (number === null) return null;
  return volumes.find((v) => !v.lvm && (number === 0 ? v.partition === null : v.partition?.number === number)) ?? null;
}

/** File system types and options that are not a disk of this image. */
const NOT_A_DISK = new Set([
  "swap",
  "proc",
  "sysfs",
  "tmpfs",
  "devpts",
  "devtmpfs",
  "nfs",
  "nfs4",
  "cifs",
  "smbfs",
  "none",
  "cgroup",
  "cgroup2",
  "securityfs",
  "efivarfs",
  "fuse",
  "9p",
  "virtiofs",
  "overlay",
]);

export const mountable = (entry: FstabEntry) =>
  entry.mountPoint.startsWith("/") &&
  entry.mountPoint !== "/" &&
  !NOT_A_DISK.has(entry.type) &&
  !entry.options.includes("bind") &&
  !entry.options.includes("rbind");

/** The btrfs subvolume an entry names (subvol= or subvolid=), if any. */
export function subvolumeOption(entry: FstabEntry): { path: string } | { id: number } | null {
  for (const option of entry.options) {
    if (option.startsWith("subvol=")) return { path: option.slice("subvol=".length).replace(/^\/+/, "") };
    if (option.startsWith("subvolid=") && /^\d+$/.test(option.slice(9))) return { id: Number(option.slice(9)) };
  }
  return null;
}
