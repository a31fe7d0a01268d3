/**
 * Windows paths and the guest paths Hangar reads them at. Evidence is shown the Windows way
 * ("C:\Windows\System32\drivers\viostor.sys", "HKLM\SYSTEM\ControlSet001\Services\viostor"), the
 * way an administrator would look for it.
 */

/** Where a volume is, in words: "partition 3", or "the whole disk" for a disk without a partition table. */
export const placeName = (partition: number | null | undefined) => (partition != null ? `partition ${partition}` : "the whole disk");

/** A guest path on the system volume ("/Windows/System32") as Windows names it ("C:\Windows\System32"). */
export const windowsPath = (guestPath: string, drive = "C:") => `${drive}${guestPath.replace(/\//g, "\\")}`;

/** A key of a hive as regedit shows it under HKEY_LOCAL_MACHINE. */
export const registryPath = (hive: "SYSTEM" | "SOFTWARE", key: string) => `HKLM\\${hive}\\${key}`;

/** Environment variables service image paths use, for the system volume. */
const VARIABLES: Record<string, string> = {
  systemroot: "C:\\Windows",
  windir: "C:\\Windows",
  systemdrive: "C:",
  programfiles: "C:\\Program Files",
  "programfiles(x86)": "C:\\Program Files (x86)",
  programw6432: "C:\\Program Files",
  programdata: "C:\\ProgramData",
  commonprogramfiles: "C:\\Program Files\\Common Files",
};

export const expandVariables = (text: string) => text.replace(/%([^%]+)%/g, (whole, name: string) => VARIABLES[name.toLowerCase()] ?? whole);

/**
 * The guest path of a Windows path on the system volume: "C:\x\y", "\SystemRoot\x", "\??\C:\x",
 * "System32\drivers\x.sys" (relative to the Windows directory, as driver image paths are) and
 * "%SystemRoot%\x". Null for another drive or a network path.
 */
export function guestPathOf(windows: string): string | null {
  let path = expandVariables(windows.trim()).replace(/^\\\?\?\\/, "");
  if (/^\\systemroot\\/i.test(path)) path = `C:\\Windows\\${path.slice("\\SystemRoot\\".length)}`;
  else if (/^system32\\/i.test(path)) path = `C:\\Windows\\${path}`;
  const drive = /^([A-Za-z]):\\(.*)$/.exec(path);
  if (!drive || drive[1].toUpperCase() !== "C") return null;
  return `/${drive[2].replace(/\\+/g, "/")}`;
}

/** The program a service's ImagePath starts: the quoted first word, or the path up to its ".exe"/".sys". */
export function programOf(imagePath: string): string {
  const text = imagePath.trim();
  if (text.startsWith('"')) return text.slice(1, text.indexOf('"', 1) > 0 ? text.indexOf('"', 1) : undefined);
  const binary = /^(.*?\.(?:exe|sys|dll))(?:\s|$)/i.exec(text);
  return binary ? binary[1] : text.split(/\s+/)[0];
}

/** The value of a `--option "value"` or `--option value` argument in a command line. */
export function argumentOf(commandLine: string, option: string): string | null {
  const escaped = option.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&");
  const found = new RegExp(`${escaped}[=\\s]+(?:"([^"]*)"|(\\S+))`, "i").exec(commandLine);
  // Group 1 is the quoted value, group 2 the bare one; exactly one of them matched.
  return found ? (found.slice(1).find((group: string | undefined) => group !== undefined) ?? null) : null;
}
