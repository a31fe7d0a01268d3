import type { OsIdentity } from "../os-release";

export type DistroFamily = "debian" | "rhel" | "suse" | "arch" | "alpine" | "gentoo" | "unknown";

/** The programs that build an initramfs (guest/families/initramfs.ts). */
export type InitramfsTool = "initramfs-tools" | "dracut" | "mkinitcpio" | "mkinitfs";

/**
 * What differs between distribution families, in one place per family (as
 * libguestfs keeps its per-distribution knowledge): how packages are
 * installed and removed, which kernel package carries the virtio drivers,
 * which program rebuilds the initramfs, how the boot loader is installed and
 * configured, where the guest agent lives. Checks ask the guest's family;
 * they never branch on it.
 */
export interface Family {
  name: DistroFamily;
  /** Whether an os-release ID or ID_LIKE value belongs to this family. */
  matches(id: string): boolean;
  /** Installs `packages`, run inside the guest (or on the image, for a family Hangar does not know). */
  install(packages: string[], os: OsIdentity | null, image: string): string;
  /** Installs `packages` again over what is left of them (files deleted while the database still lists them). */
  reinstall(packages: string[], os: OsIdentity | null, image: string): string;
  /** Removes `packages`, run inside the guest. */
  remove(packages: string[], os: OsIdentity | null): string;
  /** The package that brings a kernel with the virtio drivers. */
  kernelPackage(os: OsIdentity | null, arch: string | null): string;
  /** The initramfs builders the family uses, the usual one first. */
  initramfs: readonly InitramfsTool[];
  /** Removes cloud-init=disabled from the kernel command line and rewrites the boot loader's configuration. */
  cmdlineFix: string;
  /** GRUB for BIOS: its package, and the commands that install it to the disk and write its configuration (the disk is /dev/sda in virt-customize). */
  grub: { package: string; install: string };
  /** Where the family's qemu-guest-agent package installs the agent. */
  agentPath: string;
  /** Where cloud-init's first boot stage is started from: the file a fix creates. */
  cloudInitStart: string;
  /** Enables cloud-init's boot stages once the package is installed. */
  enableCloudInit(units: string[]): string;
}

/** What every systemd distribution shares: cloud-init's first stage is a unit, and systemctl enables the stages. */
export const SYSTEMD: Pick<Family, "cloudInitStart" | "enableCloudInit"> = {
  cloudInitStart: "/usr/lib/systemd/system/cloud-init-local.service",
  enableCloudInit: (units) => `sudo systemctl enable ${units.join(" ")}`,
};
