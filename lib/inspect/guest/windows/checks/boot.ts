import { defineOutcomes } from "../../../codes";
import { isInspectError } from "../../../errors";
import type { FileSystem } from "../../../fs/file-system";
import { GuestFs } from "../../../fs/guest-fs";
import { RegistryHive } from "../../../registry";
import type { WindowsCheckDefinition, WindowsContext } from "../context";
import { guestPathOf, placeName, windowsPath } from "../paths";

export const BOOT = defineOutcomes("boot.loader", {
  "windows.uefi_boot_manager": {
    status: "pass",
    message: [
      "UEFI starts {uefi}, and the Windows Boot Manager and its BCD store are on the EFI system partition ({partition});",
      "the default entry starts {winload}.",
    ],
  },
  "windows.bios_boot_manager": {
    status: "pass",
    message: "BIOS starts {bios}, and the active partition ({partition}) holds bootmgr and \\Boot\\BCD; the default entry starts {winload}.",
  },
  "windows.bcd_entry_broken": {
    status: "warn",
    message: "The Windows Boot Manager is on {partition}, but {problem}: the boot manager would stop with 0xc000000e instead of starting Windows.",
    fix: "From the Windows recovery environment, or on the source machine: bcdboot C:\\Windows /f ALL",
  },
  "windows.no_boot_loader": {
    status: "fail",
    message: [
      "Neither firmware can start this Windows: UEFI finds no Windows Boot Manager ({uefiProblem}),",
      'and neither does BIOS ({biosProblem}), so an instance stops at the firmware\'s "no bootable device".',
      "A cloud's direct kernel boot does not help: it starts a Linux kernel, not Windows.",
    ],
    fix: "From the Windows recovery environment, with the EFI system partition (or on BIOS the active partition) as S:: bcdboot C:\\Windows /s S: /f ALL",
  },
});

/** The Windows Boot Manager's own BCD object, and the elements Hangar follows: its default entry, and an entry's application path. */
const BOOTMGR = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}";
const DEFAULT_OBJECT = "23000003";
const APPLICATION_PATH = "12000002";
const UEFI_FILES = { manager: "/EFI/Microsoft/Boot/bootmgfw.efi", bcd: "/EFI/Microsoft/Boot/BCD" };
const BIOS_FILES = { manager: "/bootmgr", bcd: "/Boot/BCD" };

/** A Windows Boot Manager the firmware starts: what starts it, and the volume holding it and its BCD store. */
interface BootManager {
  firmware: "uefi" | "bios";
  /** What the firmware starts first (findBootLoaders' words). */
  starter: string;
  fs: FileSystem;
  partition: string;
}

async function isFile(fs: FileSystem, path: string): Promise<boolean> {
  return (await new GuestFs(fs).stat(path))?.type === "file";
}

const hasBootManager = async (fs: FileSystem, files: { manager: string; bcd: string }) => (await isFile(fs, files.manager)) && (await isFile(fs, files.bcd));

/**
 * Behind what each firmware starts (findBootLoaders: a loader on an EFI system partition, or MBR
 * boot code that starts the active partition's boot sector), the Windows Boot Manager and its BCD
 * store: \EFI\Microsoft\Boot on the ESP for UEFI, bootmgr and \Boot\BCD on the active partition for
 * BIOS. Each firmware that finds none says why.
 */
async function bootManagers(context: WindowsContext): Promise<{ found: BootManager[]; uefiProblem: string; biosProblem: string }> {
  const { esps, volumes, loaders } = context.setup;
  const found: BootManager[] = [];
  let { uefiProblem, biosProblem } = loaders;
  if (loaders.uefi) {
    for (const esp of esps) {
      if (await hasBootManager(esp.fs, UEFI_FILES))
        found.push({ firmware: "uefi", starter: loaders.uefi.what, fs: esp.fs, partition: placeName(esp.partition?.number) });
    }
    if (found.length === 0) uefiProblem = `it starts ${loaders.uefi.what}, but no EFI system partition holds \\EFI\\Microsoft\\Boot\\bootmgfw.efi and its BCD`;
  }
  if (loaders.bios) {
    const before = found.length;
    for (const volume of volumes) {
      if (volume.partition?.bootable && (await hasBootManager(volume.fs, BIOS_FILES)))
        found.push({ firmware: "bios", starter: loaders.bios.what, fs: volume.fs, partition: placeName(volume.partition.number) });
    }
    if (found.length === before) biosProblem = `it starts ${loaders.bios.what}, but no active NTFS partition holds bootmgr and \\Boot\\BCD`;
  }
  return { found, uefiProblem, biosProblem };
}

/** What is wrong with the BCD store's default entry, or the Windows loader it starts. */
async function defaultEntry(context: WindowsContext, manager: BootManager): Promise<{ winload: string } | { problem: string }> {
  const file = await new GuestFs(manager.fs).open(manager.firmware === "uefi" ? UEFI_FILES.bcd : BIOS_FILES.bcd);
  if (!file) return { problem: "its BCD store is missing" };
  let hive: RegistryHive;
  try {
    hive = await RegistryHive.open(file, "BCD");
  } catch (error) {
    if (!isInspectError(error)) throw error;
    return { problem: `its BCD store cannot be read (${error.message})` };
  }
  const entry = await (await hive.key(`Objects\\${BOOTMGR}\\Elements\\${DEFAULT_OBJECT}`))?.string("Element");
  if (!entry) return { problem: "its BCD store names no default entry" };
  const application = await (await hive.key(`Objects\\${entry}\\Elements\\${APPLICATION_PATH}`))?.string("Element");
  if (!application) return { problem: `the default entry ${entry} names no Windows loader` };
  const path = guestPathOf(`C:${application}`);
  if (!path || (await context.guest.stat(path))?.type !== "file")
    return { problem: `the default entry starts ${application}, which is not on the Windows volume` };
  return { winload: windowsPath(path) };
}

/**
 * boot.loader on Windows, the same id as Linux's: something the firmware starts, and behind it the
 * Windows Boot Manager with a BCD store whose default entry starts a winload that is on C:.
 */
export const bootLoader: WindowsCheckDefinition = {
  id: "boot.loader",
  severity: "fail",
  outcomes: BOOT,
  async run(context) {
    const { found, uefiProblem, biosProblem } = await bootManagers(context);
    if (found.length === 0)
      return BOOT["windows.no_boot_loader"]({ uefiProblem, biosProblem }, { path: context.setup.esps.length > 0 ? "\\EFI\\Microsoft\\Boot" : "C:\\bootmgr" });
    const manager = found[0];
    const bcd = windowsPath(manager.firmware === "uefi" ? UEFI_FILES.bcd : BIOS_FILES.bcd, "");
    const entry = await defaultEntry(context, manager);
    if ("problem" in entry) return BOOT["windows.bcd_entry_broken"]({ partition: manager.partition, problem: entry.problem }, { path: bcd });
    if (manager.firmware === "uefi")
      return BOOT["windows.uefi_boot_manager"]({ uefi: manager.starter, partition: manager.partition, winload: entry.winload }, { path: bcd });
    return BOOT["windows.bios_boot_manager"]({ bios: manager.starter, partition: manager.partition, winload: entry.winload }, { path: bcd });
  },
};
