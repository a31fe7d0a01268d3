import type { Family } from "./family";

/** Alpine Linux: apk and doas, mkinitfs, OpenRC (cloud-init's runlevels come from setup-cloud-init). */
export const alpine: Family = {
  name: "alpine",
  matches: (id) => id === "alpine",
  install: (packages) => `doas apk add ${packages.join(" ")}`,
  reinstall: (packages) => `doas apk fix ${packages.join(" ")}`,
  remove: (packages) => `doas apk del ${packages.join(" ")}`,
  kernelPackage: () => "linux-virt",
  initramfs: ["mkinitfs"],
  cmdlineFix: "doas sed -i 's/ *cloud-init=disabled//' /etc/default/grub && doas grub-mkconfig -o /boot/grub/grub.cfg",
  grub: { package: "grub-bios", install: "grub-install /dev/sda && grub-mkconfig -o /boot/grub/grub.cfg" },
  agentPath: "/usr/bin/qemu-ga",
  cloudInitStart: "/etc/runlevels/default/cloud-init",
  enableCloudInit: () => "doas setup-cloud-init",
};
