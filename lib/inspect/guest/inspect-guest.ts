import type { Partition, PartitionTable } from "../disk/partition-table";
import { readPartitionTable } from "../disk/read-partition-table";
import { isInspectError } from "../errors";
import type { FileSystem } from "../fs/file-system";
import { GuestFs } from "../fs/guest-fs";
import { probeVolume, type VolumeProbe } from "../fs/probe";
import { sliceReader, type RandomAccessReader } from "../reader";
import type { Check, FileSystemKind, FormatInfo, GuestInfo } from "../report";
import type { Codecs } from "../codecs";
import type { GuestPolicy } from "./context";
import { mountable, parseFstab, resolveSpec, subvolumeOption, type Volume } from "./fstab";
import { isLvmPhysicalVolume, readLvm } from "../disk/lvm";
import { findBootLoaders, type Esp } from "./boot-loaders";
import { DEFAULT_IMAGE_NAME } from "./fixes";
import { noGuestChecks, ntfsDataDiskChecks, runGuestChecks } from "./run-checks";
import { inspectWindows } from "./windows/inspect-windows";

export interface GuestInspection {
  guest: GuestInfo;
  checks: Check[];
}

export interface GuestInspectionOptions {
  /** The image file's name, for the host-side fix commands (virt-sysprep -a NAME). */
  fileName?: string;
  /** What the cloud's configuration changes in the checks (default: DEFAULT_GUEST_POLICY). */
  policy?: GuestPolicy;
  /** The decompressors to use (default: pure JavaScript). */
  codecs?: Codecs;
}

/** What inspectGuest needs from the disk and file-system layers (injectable for tests). */
export interface GuestReaders {
  readPartitionTable(disk: RandomAccessReader): Promise<PartitionTable | null>;
  probe(reader: RandomAccessReader): Promise<VolumeProbe>;
}

interface ProbedVolume extends Volume {
  probe: VolumeProbe;
}

/** Partitions that never hold a file system worth probing (an "lvm" partition is probed: its logical volumes are). */
const NOT_PROBED = new Set<Partition["role"]>(["extended", "bios-boot", "swap"]);
const MAX_VOLUMES = 128;
const MAX_SUBVOLUME_CANDIDATES = 16;
/** Root subvolume names: Ubuntu and Debian installers use "@", Fedora "root". */
const ROOT_SUBVOLUMES = ["@", "root", "@rootfs", "rootfs"];

/** The btrfs reader's subvolume API (lib/inspect/fs/btrfs), seen structurally so this module needs no import of it. */
interface WithSubvolumes extends FileSystem {
  subvolume(path: string): Promise<FileSystem | null>;
  subvolumeById(id: bigint | number): Promise<FileSystem | null>;
  subvolumes(): Promise<{ id: bigint; path: string }[]>;
}
const hasSubvolumes = (fs: FileSystem): fs is WithSubvolumes => "subvolume" in fs && "subvolumes" in fs && "subvolumeById" in fs;

const LINUX_KINDS = new Set<FileSystemKind>(["ext2", "ext3", "ext4", "xfs", "btrfs"]);

/** How strongly a tree looks like a Linux root: os-release beats release files beats a bare /etc/fstab with binaries. */
async function rootScore(fs: FileSystem): Promise<number> {
  const guest = new GuestFs(fs);
  let score = 0;
  if ((await guest.lstat("/etc/os-release")) || (await guest.lstat("/usr/lib/os-release"))) score += 8;
  for (const path of ["/etc/redhat-release", "/etc/debian_version", "/etc/SuSE-release", "/etc/lsb-release", "/etc/alpine-release", "/etc/arch-release"]) {
    if (await guest.lstat(path)) {
      score += 4;
      break;
    }
  }
  if (score === 0 && !(await guest.lstat("/etc/fstab"))) return 0;
  if (await guest.lstat("/etc/fstab")) score += 2;
  if ((await guest.lstat("/usr/bin")) || (await guest.lstat("/bin"))) score += 1;
  return score;
}

/** The trees of a volume that may be the root: the file system itself, and for btrfs its usual root subvolumes. */
async function rootCandidates(fs: FileSystem): Promise<FileSystem[]> {
  if (!hasSubvolumes(fs)) return [fs];
  const candidates: FileSystem[] = [fs];
  for (const name of ROOT_SUBVOLUMES) {
    const subvolume = await fs.subvolume(name).catch(() => null);
    if (subvolume) candidates.push(subvolume);
  }
  const listed = await fs.subvolumes().catch(() => []);
  for (const { path } of listed.slice(0, MAX_SUBVOLUME_CANDIDATES)) {
    if (ROOT_SUBVOLUMES.includes(path) || /(^|\/)\.snapshots\//.test(path)) continue;
    const subvolume = await fs.subvolume(path).catch(() => null);
    if (subvolume) candidates.push(subvolume);
  }
  return candidates;
}

const describeVolume = (v: ProbedVolume) => (v.lvm ? `logical volume ${v.lvm.name}` : v.partition ? `partition ${v.partition.number}` : "the whole disk");

/** Mounts what the root's /etc/fstab lists, deepest last, so /boot and /boot/efi on their own partitions are seen. */
async function mountFromFstab(guest: GuestFs, volumes: ProbedVolume[], table: PartitionTable | null, rootVolume: ProbedVolume): Promise<Set<ProbedVolume>> {
  const mounted = new Set<ProbedVolume>([rootVolume]);
  const text = await guest.readText("/etc/fstab", 1024 * 1024).catch(() => null);
  if (text === null) return mounted;
  const entries = parseFstab(text).filter(mountable);
  entries.sort((a, b) => a.mountPoint.split("/").length - b.mountPoint.split("/").length);
  for (const entry of entries) {
    const volume = resolveSpec(entry.spec, volumes, table) as ProbedVolume | null;
    if (!volume?.fs) continue;
    let fs: FileSystem | null = volume.fs;
    const subvolume = subvolumeOption(entry);
    if (subvolume && hasSubvolumes(fs)) {
      fs = await ("path" in subvolume ? fs.subvolume(subvolume.path) : fs.subvolumeById(subvolume.id)).catch(() => null);
    }
    if (!fs) continue;
    guest.mount(entry.mountPoint, fs);
    mounted.add(volume);
  }
  return mounted;
}

/**
 * Without an fstab entry for it (a spec Hangar cannot resolve, or systemd's
 * automatic mounts), a separate /boot is still found: a Linux volume whose top
 * holds kernels or boot-loader configuration goes on an empty /boot.
 */
async function mountBootFallback(guest: GuestFs, volumes: ProbedVolume[], mounted: Set<ProbedVolume>): Promise<void> {
  if (guest.mountPoints().includes("/boot")) return;
  const boot = await guest.readdir("/boot");
  if (boot === null || boot.some((e) => /^(vmlinuz|vmlinux|Image|kernel)-/.test(e.name))) return;
  for (const volume of volumes) {
    if (mounted.has(volume) || !volume.fs || !LINUX_KINDS.has(volume.fs.kind)) continue;
    const top = (await new GuestFs(volume.fs).readdir("/").catch(() => null)) ?? [];
    if (top.some((e) => /^(vmlinuz|vmlinux|Image)-/.test(e.name) || e.name === "loader" || e.name === "grub" || e.name === "grub2")) {
      guest.mount("/boot", volume.fs);
      mounted.add(volume);
      return;
    }
  }
}

async function probe(reader: RandomAccessReader, readers: GuestReaders): Promise<VolumeProbe> {
  try {
    return await readers.probe(reader);
  } catch (error) {
    if (!isInspectError(error)) throw error;
    return { kind: "unknown", problems: [error.message] };
  }
}

/**
 * LVM2 physical volumes among what no file-system reader recognised
 * (lib/inspect/disk/lvm), and the file systems on their logical volumes:
 * RHEL's and SUSE's installers put the root there.
 */
async function probeLogicalVolumes(
  candidates: { partition: Partition | null; reader: RandomAccessReader; volume: ProbedVolume }[],
  readers: GuestReaders,
): Promise<ProbedVolume[]> {
  const pvs: typeof candidates = [];
  for (const candidate of candidates) {
    if (await isLvmPhysicalVolume(candidate.reader).catch(() => false)) pvs.push(candidate);
  }
  if (pvs.length === 0) return [];
  let scan: Awaited<ReturnType<typeof readLvm>>;
  try {
    scan = await readLvm(pvs.map((pv) => pv.reader));
  } catch (error) {
    if (!isInspectError(error)) throw error;
    for (const pv of pvs) pv.volume.probe = { kind: "unknown", problems: [error.message] };
    return [];
  }
  for (const pv of pvs) pv.volume.probe = { kind: "unknown", problems: ["an LVM physical volume"] };
  const volumes: ProbedVolume[] = [];
  for (const group of scan.volumeGroups) {
    // The partition the report names for a logical volume: the group's first physical volume on this disk.
    const first = group.physicalVolumes.find((pv) => pv.readerIndex !== null);
    const partition = first?.readerIndex != null ? pvs[first.readerIndex].partition : null;
    for (const lv of group.logicalVolumes.slice(0, MAX_VOLUMES)) {
      const lvm = { name: `${lv.vg}/${lv.name}`, deviceNames: lv.deviceNames };
      if (!lv.reader) {
        volumes.push({ partition, fs: null, probe: { kind: "unknown", problems: [lv.reason ?? "not readable"] }, lvm });
        continue;
      }
      const result = await probe(lv.reader, readers);
      volumes.push({ partition, fs: result.kind === "file-system" ? result.fs : null, probe: result, lvm });
    }
  }
  return volumes;
}

async function probeVolumes(disk: RandomAccessReader, table: PartitionTable | null, readers: GuestReaders): Promise<ProbedVolume[]> {
  const targets: { partition: Partition | null; reader: RandomAccessReader }[] = [];
  if (table && table.partitions.length > 0) {
    for (const partition of table.partitions.slice(0, MAX_VOLUMES)) {
      if (NOT_PROBED.has(partition.role) || partition.size <= 0 || partition.start + partition.size > disk.size) continue;
      targets.push({ partition, reader: sliceReader(disk, partition.start, partition.size) });
    }
  } else {
    targets.push({ partition: null, reader: disk });
  }
  const volumes: ProbedVolume[] = [];
  const unknown: { partition: Partition | null; reader: RandomAccessReader; volume: ProbedVolume }[] = [];
  for (const target of targets) {
    const result = await probe(target.reader, readers);
    const volume: ProbedVolume = { partition: target.partition, fs: result.kind === "file-system" ? result.fs : null, probe: result };
    volumes.push(volume);
    if (result.kind === "unknown") unknown.push({ ...target, volume });
  }
  return [...volumes, ...(await probeLogicalVolumes(unknown, readers))];
}

/** Why no root was found, in words: what each volume turned out to be. */
function noRootReason(volumes: ProbedVolume[]): string {
  if (volumes.length === 0) return "the partition table lists no partition with a file system.";
  const parts = volumes.map((v) => {
    const where = describeVolume(v);
    if (v.probe.kind === "file-system") return `${where}: ${v.probe.fs.kind} without a Linux root`;
    if (v.probe.kind === "unknown" && v.probe.problems.length > 0) return `${where}: ${v.probe.problems.join("; ")}`;
    return `${where}: no file system Hangar reads (ext2/3/4, XFS, btrfs, FAT, NTFS, LVM)`;
  });
  return `${parts.join("; ")}.`;
}

/**
 * Finds the guest on a disk (the bytes the guest sees, from openGuestDisk):
 * reads the partition table (or takes the whole disk as one file system),
 * probes every partition, picks the root (the file system with
 * /etc/os-release or the usual markers; for btrfs, the default subvolume and
 * the usual root subvolumes), mounts the others per its /etc/fstab, and runs
 * the guest checks. Without a Linux root, a Windows system volume gets the
 * Windows checks (lib/inspect/guest/windows). Everything read is bounded; a
 * broken file system becomes a finding, never an exception.
 */
export async function inspectGuestWith(disk: RandomAccessReader, readers: GuestReaders, options: GuestInspectionOptions = {}): Promise<GuestInspection> {
  let table: PartitionTable | null = null;
  let tableProblem: string | null = null;
  try {
    table = await readers.readPartitionTable(disk);
  } catch (error) {
    if (!isInspectError(error)) throw error;
    tableProblem = error.message;
  }
  const volumes = await probeVolumes(disk, table, readers);
  const esps: Esp[] = volumes.flatMap((v) =>
    v.fs?.kind === "vfat" && (v.partition?.role === "efi-system" || v.partition?.type === "0xef") ? [{ partition: v.partition, fs: v.fs }] : [],
  );
  const loaders = await findBootLoaders(disk, table, esps);
  const facts = (volume: ProbedVolume, kind: FileSystemKind) => ({
    root: { partition: volume.partition?.number ?? null, fileSystem: kind, ...(volume.lvm ? { logicalVolume: volume.lvm.name } : {}) },
    loaders,
    image: options.fileName,
    policy: options.policy,
    codecs: options.codecs,
  });

  let best: { volume: ProbedVolume; fs: FileSystem; score: number } | null = null;
  for (const volume of volumes) {
    if (!volume.fs || !LINUX_KINDS.has(volume.fs.kind)) continue;
    try {
      for (const candidate of await rootCandidates(volume.fs)) {
        const score = await rootScore(candidate);
        if (score > 0 && (!best || score > best.score)) best = { volume, fs: candidate, score };
      }
    } catch (error) {
      if (!isInspectError(error)) throw error;
      volume.probe = { kind: "unknown", problems: [`${volume.fs.kind}: ${error.message}`] };
    }
  }

  if (!best) {
    const windows = await inspectWindows({ table, volumes, esps, loaders, image: options.fileName ?? DEFAULT_IMAGE_NAME });
    if (windows) return windows;
    if (volumes.some((v) => v.probe.kind === "windows")) return ntfsDataDiskChecks();
    return noGuestChecks(tableProblem ? `the partition table could not be read (${tableProblem}).` : noRootReason(volumes));
  }

  const guest = new GuestFs(best.fs);
  try {
    const mounted = await mountFromFstab(guest, volumes, table, best.volume);
    await mountBootFallback(guest, volumes, mounted);
  } catch (error) {
    if (!isInspectError(error)) throw error;
  }
  return runGuestChecks(guest, facts(best.volume, best.fs.kind));
}

/** The disk layer's partition tables and every file-system reader. */
export const DISK_READERS: GuestReaders = { readPartitionTable, probe: (reader) => probeVolume(reader) };

/**
 * The guest checks of a disk image: `disk` is what the guest sees
 * (openGuestDisk(reader, info)). `info` is what the format checks found; the
 * guest layer reads the partition table again from the disk itself, so it
 * works the same on a disk that did not come from inspectFormat. Never throws
 * on hostile data: what cannot be read becomes a failed or skipped check.
 */
export function inspectGuest(disk: RandomAccessReader, _info: FormatInfo, options: GuestInspectionOptions = {}): Promise<GuestInspection> {
  return inspectGuestWith(disk, DISK_READERS, options);
}
