import { isInspectError } from "../../../errors";
import { formatBytes } from "../../../text";
import { deletePaths } from "../../fixes";
import { listPaths } from "../../checks/hygiene";
import { CURRENT_VERSION } from "../identity";
import { defineOutcomes } from "../../../codes";
import { guestPathOf, registryPath, windowsPath } from "../paths";
import { sysprepCommand } from "../fixes";
import type { WindowsCheckDefinition, WindowsContext } from "../context";
import { generalized } from "./generalized";
import { readWindowsText } from "./text-files";

export const HOSTNAME = defineOutcomes("hygiene.hostname", {
  "windows.hostname_reset": {
    status: "pass",
    message: [
      "The image is generalized, so the computer name {name} is replaced at each instance's first boot (by Windows setup,",
      "or by Cloudbase-Init from the metadata).",
    ],
  },
  "windows.hostname_unset": { status: "pass", message: "No computer name is set: Windows setup picks one at first boot." },
  "windows.hostname_fixed_unattend": {
    status: "warn",
    message: "The unattend file {file} names every instance {name}: instances clash on the network and in Active Directory.",
    fix: "In the source machine: (Get-Content '{file}') -replace '<ComputerName>{name}</ComputerName>','<ComputerName>*</ComputerName>' | Set-Content '{file}'",
  },
  "windows.hostname_kept": {
    status: "warn",
    message: "The image is not generalized, so every instance boots as {name}: they clash on the network and in Active Directory until each is renamed.",
    fix: "In the source machine: {sysprep}",
  },
});

export const PROFILES = defineOutcomes("hygiene.user-profiles", {
  "windows.profiles_builtin": { status: "pass", message: "Only the built-in user profiles are on the image ({profiles})." },
  "windows.profiles_extra": {
    status: "warn",
    message: [
      "User profiles from the machine the image was made on are still there ({profiles}): their documents,",
      "browser data and cached credentials go to every instance.",
    ],
    fix: [
      "In the source machine, as an administrator, before generalizing:",
      "Get-CimInstance Win32_UserProfile -Filter \"Special=FALSE AND NOT SID LIKE '%-500'\" | Remove-CimInstance",
    ],
  },
});

export const PAGE_FILES = defineOutcomes("hygiene.page-files", {
  "windows.no_page_files": { status: "pass", message: "No pagefile.sys, swapfile.sys or hiberfil.sys on C:." },
  "windows.page_files_present": {
    status: "warn",
    message: [
      "{files} are on C: ({size}): they hold memory of the machine the image was made on, which can include passwords and keys, and make the image larger;",
      "Windows recreates what it needs at boot.",
    ],
  },
  "windows.hibernated": {
    status: "fail",
    message: [
      "C:\\hiberfil.sys holds a hibernated system (it starts with {signature}):",
      "Windows would try to resume the source machine's memory on other hardware instead of booting, over a file system that changed behind its back.",
    ],
    fix: "Boot the source machine, turn hibernation and Fast Startup off, and shut down fully: powercfg /h off & shutdown /s /t 0",
  },
});

/** Profiles every Windows has: the service accounts' SIDs, and the folders under \Users that are not users. */
const BUILTIN_SIDS = /^S-1-5-(18|19|20)$|^S-1-5-21-.*-500$/i;
const BUILTIN_FOLDERS = new Set(["default", "default user", "public", "all users", "administrator", "desktop.ini"]);
const UNATTEND_FILES = ["/Windows/Panther/unattend.xml", "/Windows/Panther/Unattend/unattend.xml", "/Windows/System32/Sysprep/unattend.xml"];

async function isGeneralized(context: WindowsContext): Promise<boolean> {
  return (await generalized.run(context)).status === "pass";
}

async function computerName(context: WindowsContext): Promise<string | null> {
  const controlSet = await context.controlSet();
  const system = await context.hive("SYSTEM");
  return (await (await system.key(`${controlSet}\\Control\\ComputerName\\ComputerName`))?.string("ComputerName")) ?? null;
}

export const hostname: WindowsCheckDefinition = {
  id: "hygiene.hostname",
  severity: "warn",
  outcomes: HOSTNAME,
  async run(context) {
    for (const file of UNATTEND_FILES) {
      const text = await readWindowsText(context.guest, file);
      const fixed = text ? /<ComputerName>\s*([^<*\s][^<]*?)\s*<\/ComputerName>/i.exec(text)?.[1] : null;
      if (fixed) return HOSTNAME["windows.hostname_fixed_unattend"]({ file: windowsPath(file), name: fixed }, { path: windowsPath(file) });
    }
    const name = await computerName(context);
    const key = registryPath("SYSTEM", `${await context.controlSet()}\\Control\\ComputerName\\ComputerName`);
    if (!name) return HOSTNAME["windows.hostname_unset"]({}, { path: key });
    if (await isGeneralized(context)) return HOSTNAME["windows.hostname_reset"]({ name }, { path: key });
    const cloudbaseInit = (await (await context.services()).get("cloudbase-init")) !== null;
    return HOSTNAME["windows.hostname_kept"]({ name, sysprep: sysprepCommand(cloudbaseInit) }, { path: key });
  },
};

/** Profiles of accounts that are not built in: from ProfileList when the SOFTWARE hive reads, and the folders under \Users. */
async function extraProfiles(context: WindowsContext): Promise<string[]> {
  const found = new Set<string>();
  try {
    const list = await (await context.hive("SOFTWARE")).key(`${CURRENT_VERSION}\\ProfileList`);
    for (const profile of (await list?.subkeys()) ?? []) {
      if (BUILTIN_SIDS.test(profile.name)) continue;
      const path = await profile.string("ProfileImagePath");
      const guest = path ? guestPathOf(path) : null;
      found.add(guest ? windowsPath(guest) : (path ?? profile.name));
    }
  } catch (error) {
    if (!isInspectError(error)) throw error;
  }
  for (const entry of (await context.guest.readdir("/Users")) ?? []) {
    if (entry.type === "directory" && !BUILTIN_FOLDERS.has(entry.name.toLowerCase())) found.add(windowsPath(`/Users/${entry.name}`));
  }
  return [...found].sort();
}

export const userProfiles: WindowsCheckDefinition = {
  id: "hygiene.user-profiles",
  severity: "warn",
  outcomes: PROFILES,
  async run(context) {
    const extra = await extraProfiles(context);
    if (extra.length > 0) return PROFILES["windows.profiles_extra"]({ profiles: listPaths(extra) }, { path: extra[0] });
    const builtin = ((await context.guest.readdir("/Users")) ?? []).filter((e) => e.type === "directory").map((e) => e.name);
    return PROFILES["windows.profiles_builtin"]({ profiles: builtin.sort().join(", ") || "none" }, { path: "C:\\Users" });
  },
};

const PAGE_FILE_NAMES = ["pagefile.sys", "swapfile.sys", "hiberfil.sys"];
/** The first four bytes of a hiberfil.sys that holds a hibernated system (a resumed or empty one says "wake" or zeros). */
const HIBERNATED = new Set(["hibr", "HIBR", "rstr", "RSTR"]);

export const pageFiles: WindowsCheckDefinition = {
  id: "hygiene.page-files",
  severity: "warn",
  outcomes: PAGE_FILES,
  async run(context) {
    const found: { name: string; size: number }[] = [];
    for (const name of PAGE_FILE_NAMES) {
      const stat = await context.guest.stat(`/${name}`);
      if (stat?.type === "file") found.push({ name, size: stat.size });
    }
    if (found.some((f) => f.name === "hiberfil.sys")) {
      const head = await (await context.guest.open("/hiberfil.sys"))?.read(0, 4);
      const signature = head ? String.fromCharCode(...head) : "";
      if (HIBERNATED.has(signature)) return PAGE_FILES["windows.hibernated"]({ signature }, { path: "C:\\hiberfil.sys" });
    }
    if (found.length === 0) return PAGE_FILES["windows.no_page_files"]({}, { path: "C:\\" });
    const total = found.reduce((sum, f) => sum + f.size, 0);
    return PAGE_FILES["windows.page_files_present"](
      { files: found.map((f) => `C:\\${f.name}`).join(", "), size: formatBytes(total) },
      {
        path: `C:\\${found[0].name}`,
        fix: deletePaths(
          context.image,
          found.map((f) => `/${f.name}`),
        ),
      },
    );
  },
};
