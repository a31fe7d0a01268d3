import type { DistroFamily, OsIdentity } from "./os-release";

/** The image a virt-sysprep or virt-customize fix names when the caller did not say which file it is. */
export const DEFAULT_IMAGE_NAME = "disk.img";

/** Quotes a word for a POSIX shell when it needs it. */
export const shellWord = (word: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** How the guest's distribution installs packages, run inside the guest. */
export function installCommand(family: DistroFamily, os: OsIdentity | null, packages: string[], image = DEFAULT_IMAGE_NAME): string {
  const list = packages.join(" ");
  switch (family) {
    case "debian":
      return `sudo apt-get install -y ${list}`;
    case "rhel": {
      const major = Number.parseInt(os?.version ?? "", 10);
      const old = ["rhel", "centos", "ol", "scientific"].includes(os?.id ?? "") && major > 0 && major <= 7;
      return `sudo ${old ? "yum" : "dnf"} install -y ${list}`;
    }
    case "suse":
      return `sudo zypper --non-interactive install ${list}`;
    case "arch":
      return `sudo pacman -S --noconfirm ${list}`;
    case "alpine":
      return `doas apk add ${list}`;
    case "gentoo":
      return `sudo emerge ${list}`;
    default:
      return `virt-customize -a ${shellWord(image)} --install ${packages.join(",")}`;
  }
}

/** How the guest's distribution removes packages. */
export function removeCommand(family: DistroFamily, os: OsIdentity | null, packages: string[]): string {
  const list = packages.join(" ");
  switch (family) {
    case "debian":
      return `sudo apt-get purge -y ${list}`;
    case "rhel":
      return installCommand(family, os, packages).replace(" install ", " remove ");
    case "suse":
      return `sudo zypper --non-interactive remove ${list}`;
    case "arch":
      return `sudo pacman -R --noconfirm ${list}`;
    case "alpine":
      return `doas apk del ${list}`;
    default:
      return `sudo systemctl disable --now ${list}`;
  }
}

/** The virt-sysprep command (libguestfs) that runs `operations` on the image file, without booting it. */
export function sysprep(image: string, operations: string[], extra: string[] = []): string {
  return [`virt-sysprep -a ${shellWord(image)} --operations ${operations.join(",")}`, ...extra].join(" ");
}

/** virt-customize deleting guest paths from the image file. */
export function deletePaths(image: string, paths: string[]): string {
  return [`virt-customize -a ${shellWord(image)}`, ...paths.map((path) => `--delete ${shellWord(path)}`)].join(" ");
}
