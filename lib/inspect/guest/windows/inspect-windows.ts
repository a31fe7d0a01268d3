import type { Partition, PartitionTable } from "../../disk/partition-table";
import { isInspectError } from "../../errors";
import type { FileSystem } from "../../fs/file-system";
import { GuestFs } from "../../fs/guest-fs";
import type { VolumeProbe } from "../../fs/probe";
import type { Check, Firmware, GuestInfo } from "../../report";
import { hasWindowsBootLayout } from "../windows-boot";
import { WINDOWS_CHECKS } from "./checks";
import { OS } from "./checks/os";
import { makeWindowsContext, type WindowsSetup, type WindowsVolume } from "./context";
import { productOf, versionOf } from "./identity";
import { defineOutcomes } from "./outcomes";

/** What the guest layer hands over when it found no Linux root. */
export interface WindowsDisk {
  table: PartitionTable | null;
  volumes: { partition: Partition | null; probe: VolumeProbe }[];
  esps: WindowsVolume[];
  firmware: Firmware[];
  image: string;
}

export const WINDOWS_RUN = defineOutcomes("*", {
  "guest.unreadable": {
    status: "fail",
    message: "Hangar could not read what this check needs from the Windows volume: {reason}",
    fix: "On the source machine: chkdsk C: /f, then shut it down cleanly (shutdown /s /t 0) and capture the image again.",
  },
  "windows.skipped_not_read": { status: "skip", message: "The Windows volume could not be read (see guest.os)." },
});

/** Partition types of Windows dynamic disks: MBR 0x42, and GPT's LDM metadata and data partitions. */
const LDM_TYPES: Record<string, string> = {
  "0x42": "LDM (MBR type 0x42)",
  "5808c8aa-7e8f-42e0-85d2-e1e90434cfb3": "LDM metadata",
  "af9b60a0-1431-4f62-bc68-3311714a69ad": "LDM data",
};
const WINDOWS_DIRECTORY = "/Windows/System32/config";

const ntfsOf = (probe: VolumeProbe): FileSystem | null => (probe.kind === "windows" && probe.format === "ntfs" ? (probe.fs ?? null) : null);
const placeName = (partition: Partition | null) => (partition ? `partition ${partition.number}` : "the whole disk");

function windowsInfo(setup: Pick<WindowsSetup, "firmware" | "root">, extra: Partial<GuestInfo> = {}): GuestInfo {
  return {
    osType: "windows",
    distro: "windows",
    version: null,
    prettyName: null,
    arch: null,
    kernels: [],
    firmware: setup.firmware,
    root: setup.root,
    ...extra,
  };
}

/** guest.os as `outcome`, every other Windows check skipped: the disk is Windows, but Hangar cannot read it. */
function unreadable(outcome: Omit<Check, "id">, setup: Pick<WindowsSetup, "firmware" | "root">): { guest: GuestInfo; checks: Check[] } {
  return {
    guest: windowsInfo(setup),
    checks: [{ id: "guest.os", ...outcome }, ...WINDOWS_CHECKS.slice(1).map((c) => ({ id: c.id, ...WINDOWS_RUN["windows.skipped_not_read"]() }))],
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
      problems.push(`${placeName(partition)}: ${probe.problem ?? "NTFS that cannot be read"}`);
      continue;
    }
    try {
      if ((await new GuestFs(fs).stat(WINDOWS_DIRECTORY))?.type === "directory") found.push({ partition, fs });
      else problems.push(`${placeName(partition)}: NTFS without \\Windows`);
    } catch (error) {
      if (!isInspectError(error)) throw error;
      problems.push(`${placeName(partition)}: ${error.message}`);
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
  const { table, firmware } = disk;
  const dynamic = table?.partitions.find((p) => LDM_TYPES[p.type]);
  if (dynamic) {
    const setup = { firmware, root: { partition: dynamic.number, fileSystem: "ntfs" as const } };
    return unreadable(OS["windows.dynamic_disk"]({ partition: dynamic.number, type: LDM_TYPES[dynamic.type] }, { path: `partition ${dynamic.number}` }), setup);
  }
  const { volume, problems } = await systemVolume(disk.volumes);
  if (volume) {
    const root = { partition: volume.partition?.number ?? null, fileSystem: "ntfs" as const };
    const volumes = disk.volumes.flatMap(({ partition, probe }) => {
      const fs = ntfsOf(probe);
      return fs ? [{ partition, fs }] : [];
    });
    return runWindowsChecks({ system: volume, volumes, esps: disk.esps, table, firmware, image: disk.image, root });
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
  const setup = { firmware, root: { partition: place.partition?.number ?? null, fileSystem: "ntfs" as const } };
  if (encrypted) {
    const where = placeName(encrypted.partition);
    return unreadable(OS["windows.bitlocker"]({ where }, { path: `${where} (boot sector: -FVE-FS-)` }), setup);
  }
  return unreadable(
    OS["windows.system_not_found"]({ reasons: problems.join("; ") || "no NTFS volume could be read" }, { path: "\\Windows\\System32\\config" }),
    setup,
  );
}

/** Runs every Windows check on the system volume; a check whose files cannot be read reports it at its own severity. */
export async function runWindowsChecks(setup: WindowsSetup): Promise<{ guest: GuestInfo; checks: Check[] }> {
  const context = makeWindowsContext(setup);
  const identity = await context.identity().catch(() => null);
  const arch = await context.architecture().catch(() => null);
  const guest = windowsInfo(setup, {
    version: identity ? versionOf(identity) : null,
    prettyName: identity ? productOf(identity) : "Windows",
    arch: arch?.arch ?? null,
  });
  const checks: Check[] = [];
  for (const definition of WINDOWS_CHECKS) {
    try {
      checks.push({ id: definition.id, ...(await definition.run(context)) });
    } catch (error) {
      if (!isInspectError(error)) throw error;
      const outcome = WINDOWS_RUN["guest.unreadable"]({ reason: error.message }, { path: "C:\\" });
      checks.push({ id: definition.id, ...outcome, status: definition.severity });
    }
  }
  return { guest, checks };
}
