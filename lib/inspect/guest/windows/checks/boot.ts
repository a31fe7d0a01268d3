import { isInspectError } from "../../../errors";
import type { FileSystem } from "../../../fs/file-system";
import { GuestFs } from "../../../fs/guest-fs";
import { RegistryHive } from "../../../registry";
import type { WindowsContext } from "../context";
import { defineOutcomes } from "../outcomes";
import { guestPathOf, windowsPath } from "../paths";
import type { WindowsCheckDefinition } from "./definition";

export const BOOT = defineOutcomes("boot.loader", {
  "windows.uefi_boot_manager": {
    status: "pass",
    message: "UEFI: the Windows Boot Manager and its BCD store are on the EFI system partition ({partition}); the default entry starts {winload}.",
  },
  "windows.bios_boot_manager": {
    status: "pass",
    message: "BIOS: the MBR has boot code and the active partition ({partition}) holds bootmgr and \\Boot\\BCD; the default entry starts {winload}.",
  },
  "windows.bcd_entry_broken": {
    status: "warn",
    message: "The Windows Boot Manager is on {partition}, but {problem}: the boot manager would stop with 0xc000000e instead of starting Windows.",
    fix: "From the Windows recovery environment, or on the source machine: bcdboot C:\\Windows /f ALL",
  },
  "windows.no_boot_loader": {
    status: "fail",
    message:
      "Neither firmware can start this Windows: no EFI system partition holds the Windows Boot Manager and its BCD store (\\EFI\\Microsoft\\Boot\\bootmgfw.efi, \\EFI\\Microsoft\\Boot\\BCD), and no active partition holds bootmgr and \\Boot\\BCD behind boot code in the MBR.",
    fix: "From the Windows recovery environment, with the EFI system partition (or on BIOS the active partition) as S:: bcdboot C:\\Windows /s S: /f ALL",
  },
});

/** The Windows Boot Manager's own BCD object, and the elements Hangar follows: its default entry, and an entry's application path. */
const BOOTMGR = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}";
const DEFAULT_OBJECT = "23000003";
const APPLICATION_PATH = "12000002";

interface Loader {
  firmware: "uefi" | "bios";
  fs: FileSystem;
  bcd: string;
  partition: string;
}

async function isFile(fs: FileSystem, path: string): Promise<boolean> {
  return (await new GuestFs(fs).stat(path))?.type === "file";
}

/** Where a boot manager and its BCD store are: on an ESP (UEFI), or on the active partition behind MBR boot code (BIOS). */
async function loaders(context: WindowsContext): Promise<Loader[]> {
  const { esps, table, volumes } = context.setup;
  const found: Loader[] = [];
  const name = (partition: { number: number } | null) => (partition ? `partition ${partition.number}` : "the whole disk");
  for (const esp of esps) {
    if ((await isFile(esp.fs, "/EFI/Microsoft/Boot/bootmgfw.efi")) && (await isFile(esp.fs, "/EFI/Microsoft/Boot/BCD"))) {
      found.push({ firmware: "uefi", fs: esp.fs, bcd: "/EFI/Microsoft/Boot/BCD", partition: name(esp.partition) });
    }
  }
  if (table?.scheme === "mbr" && table.hasBootCode) {
    for (const volume of volumes) {
      if (!volume.partition?.bootable) continue;
      if ((await isFile(volume.fs, "/bootmgr")) && (await isFile(volume.fs, "/Boot/BCD"))) {
        found.push({ firmware: "bios", fs: volume.fs, bcd: "/Boot/BCD", partition: name(volume.partition) });
      }
    }
  }
  return found;
}

/** What is wrong with the BCD store's default entry, or the Windows loader it starts. */
async function defaultEntry(context: WindowsContext, loader: Loader): Promise<{ winload: string } | { problem: string }> {
  const file = await new GuestFs(loader.fs).open(loader.bcd);
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

export const bootLoader: WindowsCheckDefinition = {
  id: "boot.loader",
  severity: "fail",
  async run(context) {
    const found = await loaders(context);
    if (found.length === 0) return BOOT["windows.no_boot_loader"]({}, { path: context.setup.esps.length > 0 ? "\\EFI\\Microsoft\\Boot" : "C:\\bootmgr" });
    const loader = found[0];
    const bcd = loader.firmware === "uefi" ? "\\EFI\\Microsoft\\Boot\\BCD" : "\\Boot\\BCD";
    const entry = await defaultEntry(context, loader);
    if ("problem" in entry) return BOOT["windows.bcd_entry_broken"]({ partition: loader.partition, problem: entry.problem }, { path: bcd });
    const outcome = loader.firmware === "uefi" ? BOOT["windows.uefi_boot_manager"] : BOOT["windows.bios_boot_manager"];
    return outcome({ partition: loader.partition, winload: entry.winload }, { path: bcd });
  },
};
