import { shellQuote } from "../../commands";
import type { WindowsIdentity } from "./identity";

/** The virtio-win ISO's folder for a Windows release (viostor\2k22\amd64 ...), by build and edition. */
const RELEASES: { build: number; client: string; server: string }[] = [
  { build: 26100, client: "w11", server: "2k25" },
  { build: 22000, client: "w11", server: "2k22" },
  { build: 20348, client: "w10", server: "2k22" },
  { build: 17763, client: "w10", server: "2k19" },
  { build: 14393, client: "w10", server: "2k16" },
  { build: 10240, client: "w10", server: "2k16" },
  { build: 9600, client: "w8.1", server: "2k12R2" },
  { build: 9200, client: "w8", server: "2k12" },
  { build: 7600, client: "w7", server: "2k8R2" },
];
const ARCH_FOLDERS: Record<string, string> = { x86_64: "amd64", i386: "x86", aarch64: "ARM64" };

export function virtioWinFolder(identity: WindowsIdentity | null, arch: string | null): string {
  const build = identity?.build ?? 20348;
  const release = RELEASES.find((r) => build >= r.build) ?? RELEASES[RELEASES.length - 1];
  const server = (identity?.installationType ?? "Server").startsWith("Server");
  return `${server ? release.server : release.client}\\${ARCH_FOLDERS[arch ?? "x86_64"] ?? "amd64"}`;
}

/** How to add a virtio-win driver to the image without booting it, and on a Windows machine with DISM. */
export function injectDriver(image: string, driver: string, folder: string, inf = driver.toLowerCase()): string {
  return (
    `virt-customize -a ${shellQuote(image)} --inject-virtio-win /usr/share/virtio-win/virtio-win.iso` +
    `  # or on Windows, with the image's C: mounted as W: and the virtio-win ISO as E:: dism /Image:W:\\ /Add-Driver /Driver:E:\\${driver}\\${folder}\\${inf}.inf`
  );
}

/** The sysprep command that generalizes the image (with Cloudbase-Init's unattend file when it is installed). */
export function sysprepCommand(cloudbaseInit: boolean): string {
  const unattend = cloudbaseInit ? ' /unattend:"C:\\Program Files\\Cloudbase Solutions\\Cloudbase-Init\\conf\\Unattend.xml"' : "";
  return `C:\\Windows\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown /mode:vm${unattend}`;
}
