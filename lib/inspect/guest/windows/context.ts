import type { PartitionTable, Partition } from "../../disk/partition-table";
import type { FileSystem } from "../../fs/file-system";
import { GuestFs } from "../../fs/guest-fs";
import { currentControlSet, RegistryHive } from "../../registry";
import type { GuestInfo } from "../../report";
import type { BootLoaders, Esp } from "../boot-loaders";
import type { CheckDefinition } from "../context";
import { readArchitecture, readIdentity, type WindowsIdentity } from "./identity";
import { windowsPath } from "./paths";
import { ServiceTable } from "./services";
import { WINDOWS } from "./windows-errors";

/** A readable volume of the disk and the partition it is on (null for a whole-disk file system). */
export interface WindowsVolume {
  partition: Partition | null;
  fs: FileSystem;
}

/** What the guest layer found on the disk, handed to the Windows checks. */
export interface WindowsSetup {
  /** The volume holding \Windows (C:). */
  system: WindowsVolume;
  /** Every readable NTFS volume, the system volume included (System Reserved holds the BIOS boot files). */
  volumes: WindowsVolume[];
  /** The FAT file systems on EFI system partitions. */
  esps: Esp[];
  table: PartitionTable | null;
  /** What BIOS and UEFI would start (findBootLoaders): boot.loader looks for Windows' boot manager behind it. */
  loaders: BootLoaders;
  /** The image file name the fixes name. */
  image: string;
  root: GuestInfo["root"];
}

export const HIVES = { SYSTEM: "/Windows/System32/config/SYSTEM", SOFTWARE: "/Windows/System32/config/SOFTWARE" } as const;

/** Everything a Windows check may look at: the system volume, its hives, services and identity, each read once. */
export interface WindowsContext {
  setup: WindowsSetup;
  /** The system volume; paths are "/Windows/...". */
  guest: GuestFs;
  image: string;
  /** The SYSTEM and SOFTWARE hives (an InspectError when one cannot be read). */
  hive(name: keyof typeof HIVES): Promise<RegistryHive>;
  /** The control set Windows boots with ("ControlSet001"). */
  controlSet(): Promise<string>;
  services(): Promise<ServiceTable>;
  identity(): Promise<WindowsIdentity | null>;
  architecture(): Promise<{ arch: string; path: string } | null>;
}

/** A Windows check: its public id (the Linux check's where the meaning is the same), run on the Windows volume. */
export type WindowsCheckDefinition = CheckDefinition<WindowsContext>;

/** A promise made once, on first use. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= make());
}

export function makeWindowsContext(setup: WindowsSetup): WindowsContext {
  const guest = new GuestFs(setup.system.fs);
  const hives = {
    SYSTEM: once(() => openHive(guest, "SYSTEM")),
    SOFTWARE: once(() => openHive(guest, "SOFTWARE")),
  };
  const controlSet = once(async () => {
    const system = await hives.SYSTEM();
    const name = await currentControlSet(system);
    if (!name) throw WINDOWS.control_set_missing({ current: String((await (await system.key("Select"))?.dword("Current")) ?? "none") });
    return name;
  });
  return {
    setup,
    guest,
    image: setup.image,
    hive: (name) => hives[name](),
    controlSet,
    services: once(async () => new ServiceTable(await hives.SYSTEM(), await controlSet(), guest)),
    identity: once(async () => readIdentity(await hives.SOFTWARE())),
    architecture: once(() => readArchitecture(guest)),
  };
}

async function openHive(guest: GuestFs, name: keyof typeof HIVES): Promise<RegistryHive> {
  const file = await guest.open(HIVES[name]);
  if (!file) throw WINDOWS.hive_missing({ path: windowsPath(HIVES[name]) });
  return RegistryHive.open(file, windowsPath(HIVES[name]));
}
