import { defineOutcomes, type Outcome } from "../../codes";
import type { Partition, PartitionTable } from "../../disk/partition-table";
import { isInspectError } from "../../errors";
import type { FileSystem } from "../../fs/file-system";
import { GuestFs } from "../../fs/guest-fs";
import type { VolumeProbe } from "../../fs/probe";
import type { Check, GuestInfo } from "../../report";
import { firmwareOf, type BootLoaders, type Esp } from "../boot-loaders";
import { ANY_GUEST_CHECK, runChecks } from "../run-checks";
import { hasWindowsBootLayout } from "../windows-boot";
import { LINUX_ONLY_CHECKS, WINDOWS_CHECKS } from "./checks";
import { OS } from "./checks/os";
import { makeWindowsContext, type WindowsSetup, type WindowsVolume } from "./context";
import { productOf, versionOf } from "./identity";
import { placeName } from "./paths";

/** What the guest layer hands over when it found no Linux root. */
export interface WindowsDisk {
  table: PartitionTable | null;
  volumes: { partition: Partition | null; probe: VolumeProbe }[];
  esps: Esp[];
  loaders: BootLoaders;
  image: string;
}

/** What the Windows checks say when the Windows volume cannot be read at all (guest.os says why). */
export const WINDOWS_UNREAD = defineOutcomes("*", {
  "windows.skipped_not_read": { status: "skip", message: "The Windows volume could not be read (see guest.os)." },
});

/** The fix of a check that cannot read what it needs on C: (ANY_GUEST_CHECK's guest.unreadable). */
const REPAIR = {
  path: "C:\\",
  fix: "On the source machine: chkdsk C: /f, then shut it down cleanly (shutdown /s /t 0) and capture the image again.",
};

/** The Linux checks Windows has no counterpart of, listed as skipped so that every Linux check id says why it did not run. */
const linuxSkipped = (): Check[] => LINUX_ONLY_CHECKS.map((check) => ({ id: check.id, ...ANY_GUEST_CHECK["guest.skipped_windows"]() }));

/** Partition types of Windows dynamic disks: MBR 0x42, and GPT's LDM metadata and data partitions. */
const LDM_TYPES: Record<string, string> = {
  "0x42": "LDM (MBR type 0x42)",
  "5808c8aa-7e8f-42e0-85d2-e1e90434cfb3": "LDM metadata",
  "af9b60a0-1431-4f62-bc68-3311714a69ad": "LDM data",
};
const WINDOWS_DIRECTORY = "/Windows/System32/config";

const ntfsOf = (probe: VolumeProbe): FileSystem | null => (probe.kind === "windows" && probe.format === "ntfs" ? (probe.fs ?? null) : null);

function windowsInfo(setup: Pick<WindowsSetup, "loaders" | "root">, extra: Partial<GuestInfo> = {}): GuestInfo {
  return {
    osType: "windows",
    distro: "windows",
    version: null,
    prettyName: null,
    arch: null,
    kernels: [],
    firmware: firmwareOf(setup.loaders),
    root: setup.root,
    ...extra,
  };
}

/** guest.os as `outcome`, every other Windows check skipped: the disk is Windows, but Hangar cannot read it. */
function unreadable(outcome: Outcome, setup: Pick<WindowsSetup, "loaders" | "root">): { guest: GuestInfo; checks: Check[] } {
  return {
    guest: windowsInfo(setup),
    checks: [
      { id: "guest.os", ...outcome },
      ...WINDOWS_CHECKS.slice(1).map((c) => ({ id: c.id, ...WINDOWS_UNREAD["windows.skipped_not_read"]() })),
      ...linuxSkipped(),
    ],
  };
}

/** The volume that holds \Windows\System32\config: the largest when several do. */
async function systemVolume(volumes: WindowsDisk["volumes"]): Promise<{ volume: WindowsVolume | null; problems: string[] }> {
  const problems: string[] = [];
  const found: WindowsVolume[] = [];
  for (const { partition, probe } of volumes) {
    if (probe.kind !== "windows" || probe.format !== "ntfs") continue;
    const fs = ntfsOf(probe);
    if (!fs) {
      problems.push(`${placeName(partition?.number)}: ${probe.problem ?? "NTFS that cannot be read"}`);
      continue;
    }
    try {
      if ((await new GuestFs(fs).stat(WINDOWS_DIRECTORY))?.type === "directory") found.push({ partition, fs });
      else problems.push(`${placeName(partition?.number)}: NTFS without \\Windows`);
    } catch (error) {
      if (!isInspectError(error)) throw error;
      problems.push(`${placeName(partition?.number)}: ${error.message}`);
    }
  }
  found.sort((a, b) => (b.partition?.size ?? 0) - (a.partition?.size ?? 0));
  return { volume: found[0] ?? null, problems };
}

/**
 * The Windows checks of a disk without a Linux root, or null when nothing on it is Windows (no
 * dynamic disk, no NTFS volume holding \Windows, no Windows boot layout). A dynamic disk and a
 * BitLocker-encrypted Windows volume are recognised and reported, not read.
 */
export async function inspectWindows(disk: WindowsDisk): Promise<{ guest: GuestInfo; checks: Check[] } | null> {
  const { table, loaders } = disk;
  const dynamic = table?.partitions.find((p) => LDM_TYPES[p.type]);
  if (dynamic) {
    const setup = { loaders, root: { partition: dynamic.number, fileSystem: "ntfs" as const } };
    return unreadable(OS["windows.dynamic_disk"]({ partition: dynamic.number, type: LDM_TYPES[dynamic.type] }, { path: `partition ${dynamic.number}` }), setup);
  }
  const { volume, problems } = await systemVolume(disk.volumes);
  if (volume) {
    const root = { partition: volume.partition?.number ?? null, fileSystem: "ntfs" as const };
    const volumes = disk.volumes.flatMap(({ partition, probe }) => {
      const fs = ntfsOf(probe);
      return fs ? [{ partition, fs }] : [];
    });
    return runWindowsChecks({ system: volume, volumes, esps: disk.esps, table, loaders, image: disk.image, root });
  }
  const windowsLike = disk.volumes.filter((v) => v.probe.kind === "windows");
  const numbers = windowsLike.flatMap((v) => (v.partition ? [v.partition.number] : []));
  if (
    windowsLike.length === 0 ||
    !(await hasWindowsBootLayout(
      table,
      disk.esps.map((e) => e.fs),
      numbers,
    ))
  )
    return null;
  const encrypted = windowsLike.find((v) => v.probe.kind === "windows" && v.probe.format === "bitlocker");
  const place = encrypted ?? windowsLike[0];
  const setup = { loaders, root: { partition: place.partition?.number ?? null, fileSystem: "ntfs" as const } };
  if (encrypted) {
    const where = placeName(encrypted.partition?.number);
    return unreadable(OS["windows.bitlocker"]({ where }, { path: `${where} (boot sector: -FVE-FS-)` }), setup);
  }
  return unreadable(
    OS["windows.system_not_found"]({ reasons: problems.join("; ") || "no NTFS volume could be read" }, { path: "\\Windows\\System32\\config" }),
    setup,
  );
}

/** Runs every Windows check on the system volume; the Linux checks without a Windows counterpart are skipped. */
export async function runWindowsChecks(setup: WindowsSetup): Promise<{ guest: GuestInfo; checks: Check[] }> {
  const context = makeWindowsContext(setup);
  const identity = await context.identity().catch(() => null);
  const arch = await context.architecture().catch(() => null);
  const guest = windowsInfo(setup, {
    version: identity ? versionOf(identity) : null,
    prettyName: identity ? productOf(identity) : "Windows",
    arch: arch?.arch ?? null,
  });
  return { guest, checks: [...(await runChecks(WINDOWS_CHECKS, context, REPAIR)), ...linuxSkipped()] };
}
