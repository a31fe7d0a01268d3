import type { GuestFs } from "../../fs/guest-fs";
import type { RegistryHive } from "../../registry";
import { peArchitecture } from "./pe";

export const CURRENT_VERSION = "Microsoft\\Windows NT\\CurrentVersion";

/** What SOFTWARE\Microsoft\Windows NT\CurrentVersion says the installation is. */
export interface WindowsIdentity {
  productName: string | null;
  editionId: string | null;
  /** "Client", "Server" or "Server Core". */
  installationType: string | null;
  major: number;
  minor: number;
  build: number | null;
  ubr: number | null;
  /** "22H2", or the older ReleaseId ("1809"). */
  displayVersion: string | null;
}

/** The identity from the registry: Windows 10 and later keep the version in CurrentMajor/MinorVersionNumber, older ones in CurrentVersion ("6.3"). */
export async function readIdentity(software: RegistryHive): Promise<WindowsIdentity | null> {
  const key = await software.key(CURRENT_VERSION);
  if (!key) return null;
  const major = await key.dword("CurrentMajorVersionNumber");
  const [oldMajor, oldMinor] = ((await key.string("CurrentVersion")) ?? "").split(".").map(Number);
  const build = Number.parseInt((await key.string("CurrentBuild")) ?? (await key.string("CurrentBuildNumber")) ?? "", 10);
  return {
    productName: await key.string("ProductName"),
    editionId: await key.string("EditionID"),
    installationType: await key.string("InstallationType"),
    major: major ?? (Number.isFinite(oldMajor) ? oldMajor : 0),
    minor: major !== null ? ((await key.dword("CurrentMinorVersionNumber")) ?? 0) : Number.isFinite(oldMinor) ? oldMinor : 0,
    build: Number.isFinite(build) ? build : null,
    ubr: await key.dword("UBR"),
    displayVersion: (await key.string("DisplayVersion")) ?? (await key.string("ReleaseId")),
  };
}

/** "10.0.20348.2227", as `ver` prints it. */
export const versionOf = (id: WindowsIdentity) =>
  [id.major, id.minor, ...(id.build !== null ? [id.build] : []), ...(id.ubr !== null ? [id.ubr] : [])].join(".");

/** Windows 11 keeps "Windows 10" in ProductName; its build (22000 and later) tells them apart. */
export function productOf(id: WindowsIdentity): string {
  const name = id.productName ?? "Windows";
  if (id.installationType === "Client" && (id.build ?? 0) >= 22000 && name.startsWith("Windows 10")) return name.replace("Windows 10", "Windows 11");
  return name;
}

/** The architecture from the PE header of the kernel, or of cmd.exe (what virt-inspector reads). */
export async function readArchitecture(guest: GuestFs): Promise<{ arch: string; path: string } | null> {
  for (const path of ["/Windows/System32/ntoskrnl.exe", "/Windows/System32/cmd.exe"]) {
    const file = await guest.open(path);
    if (!file) continue;
    const arch = peArchitecture(await file.read(0, 1024));
    if (arch) return { arch, path };
  }
  return null;
}
