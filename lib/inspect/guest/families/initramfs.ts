import type { GuestFs } from "../../fs/guest-fs";
import type { InstalledKernel } from "../kernels";
import type { InitramfsTool } from "./family";

interface Builder {
  /** The configuration that shows the builder is there. */
  marker: string;
  markerType: "file" | "directory";
  /** Rebuilds the initramfs with `modules` for `kernel` (every kernel where the builder can). */
  rebuild(modules: string[], kernel: InstalledKernel): string;
}

/** How each initramfs builder is told to add modules, and rebuilds. */
export const INITRAMFS_BUILDERS: Record<InitramfsTool, Builder> = {
  "initramfs-tools": {
    marker: "/etc/initramfs-tools",
    markerType: "directory",
    rebuild: (modules) => `printf '%s\\n' ${modules.join(" ")} | sudo tee -a /etc/initramfs-tools/modules && sudo update-initramfs -u -k all`,
  },
  dracut: {
    marker: "/etc/dracut.conf",
    markerType: "file",
    rebuild: (modules) => `echo 'add_drivers+=" ${modules.join(" ")} "' | sudo tee /etc/dracut.conf.d/virtio.conf && sudo dracut -f --regenerate-all`,
  },
  mkinitcpio: {
    marker: "/etc/mkinitcpio.conf",
    markerType: "file",
    rebuild: (modules) => `sudo sed -i 's/^MODULES=(/MODULES=(${modules.join(" ")} /' /etc/mkinitcpio.conf && sudo mkinitcpio -P`,
  },
  // Alpine's mkinitfs adds modules by feature; its "virtio" feature carries virtio_blk, virtio_scsi and virtio_pci.
  mkinitfs: {
    marker: "/etc/mkinitfs/mkinitfs.conf",
    markerType: "file",
    rebuild: (_modules, kernel) => `doas sed -i 's/^features="/features="virtio /' /etc/mkinitfs/mkinitfs.conf && doas mkinitfs ${kernel.version}`,
  },
};

/** The builder the guest has: the family's own first, then any other whose configuration is there, else the family's usual one. */
export async function initramfsBuilder(guest: GuestFs, preferred: readonly InitramfsTool[]): Promise<Builder> {
  const others = (Object.keys(INITRAMFS_BUILDERS) as InitramfsTool[]).filter((tool) => !preferred.includes(tool));
  for (const tool of [...preferred, ...others]) {
    const builder = INITRAMFS_BUILDERS[tool];
    if ((await guest.stat(builder.marker))?.type === builder.markerType) return builder;
  }
  return INITRAMFS_BUILDERS[preferred[0] ?? "dracut"];
}
