import type { GuestFs } from "../fs/guest-fs";

/**
 * What the guest's package database says, where reading it is cheap: dpkg's
 * status file, apk's installed database, pacman's local directory. The RPM
 * database is SQLite or Berkeley DB, so for RPM distributions the checks rely
 * on the files a package installs instead, and `installed` answers null.
 */
export interface InstalledPackages {
  manager: "dpkg" | "apk" | "pacman" | "rpm" | null;
  /** The database file or directory that answered. */
  source: string | null;
  /** true or false when the database knows; null when there is no readable database. */
  installed(name: string): boolean | null;
  /** Removed, but its configuration files are still there (dpkg's "config-files"). */
  configOnly(name: string): boolean;
}

const MAX_DATABASE = 64 * 1024 * 1024;
/** dpkg states in which the package's files are on disk. */
const DPKG_PRESENT = new Set(["installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked"]);

export function parseDpkgStatus(text: string): { present: Set<string>; configOnly: Set<string> } {
  const present = new Set<string>();
  const configOnly = new Set<string>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
    const status = /^Status:\s*(.+)$/m.exec(stanza)?.[1].trim().split(/\s+/);
    if (!name || !status || status.length < 3) continue;
    if (DPKG_PRESENT.has(status[2])) present.add(name);
    else if (status[2] === "config-files") configOnly.add(name);
  }
  return { present, configOnly };
}

function fromSets(manager: InstalledPackages["manager"], source: string, present: Set<string>, configOnly = new Set<string>()): InstalledPackages {
  return { manager, source, installed: (name) => present.has(name), configOnly: (name) => configOnly.has(name) };
}

/** pacman keeps one directory per package, "name-version-release". */
const pacmanName = (dir: string) => dir.split("-").slice(0, -2).join("-");

export async function readInstalledPackages(guest: GuestFs): Promise<InstalledPackages> {
  const dpkg = await guest.readText("/var/lib/dpkg/status", MAX_DATABASE);
  if (dpkg !== null) {
    const { present, configOnly } = parseDpkgStatus(dpkg);
    return fromSets("dpkg", "/var/lib/dpkg/status", present, configOnly);
  }
  for (const path of ["/lib/apk/db/installed", "/usr/lib/apk/db/installed"]) {
    const apk = await guest.readText(path, MAX_DATABASE);
    if (apk !== null) return fromSets("apk", path, new Set([...apk.matchAll(/^P:(.+)$/gm)].map((m) => m[1].trim())));
  }
  const pacman = await guest.readdir("/var/lib/pacman/local");
  if (pacman !== null) {
    return fromSets("pacman", "/var/lib/pacman/local", new Set(pacman.filter((e) => e.type === "directory").map((e) => pacmanName(e.name))));
  }
  for (const path of ["/var/lib/rpm", "/usr/lib/sysimage/rpm"]) {
    if ((await guest.stat(path))?.type === "directory") return { manager: "rpm", source: path, installed: () => null, configOnly: () => false };
  }
  return { manager: null, source: null, installed: () => null, configOnly: () => false };
}
