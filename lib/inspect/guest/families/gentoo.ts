import { SYSTEMD, type Family } from "./family";

/** Gentoo: emerge, dracut or genkernel's initramfs. */
export const gentoo: Family = {
  name: "gentoo",
  matches: (id) => id === "gentoo",
  install: (packages) => `sudo emerge ${packages.join(" ")}`,
  reinstall: (packages) => `sudo emerge --oneshot ${packages.join(" ")}`,
  remove: (packages) => `sudo emerge --unmerge ${packages.join(" ")}`,
  kernelPackage: () => "sys-kernel/gentoo-kernel-bin",
  initramfs: ["dracut"],
  cmdlineFix: "sudo sed -i 's/ *cloud-init=disabled//' /etc/default/grub && sudo grub-mkconfig -o /boot/grub/grub.cfg",
  grub: { package: "sys-boot/grub", install: "grub-install /dev/sda && grub-mkconfig -o /boot/grub/grub.cfg" },
  agentPath: "/usr/bin/qemu-ga",
  ...SYSTEMD,
};
