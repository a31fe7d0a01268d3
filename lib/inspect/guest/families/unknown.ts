import { shellQuote } from "../../commands";
import { SYSTEMD, type Family } from "./family";

/** A distribution Hangar does not know: libguestfs installs for it (virt-customize), and the usual places are assumed. */
export const unknown: Family = {
  name: "unknown",
  matches: () => false,
  install: (packages, _os, image) => `virt-customize -a ${shellQuote(image)} --install ${packages.join(",")}`,
  reinstall: (packages, _os, image) => `virt-customize -a ${shellQuote(image)} --install ${packages.join(",")}`,
  remove: (packages) => `sudo systemctl disable --now ${packages.join(" ")}`,
  kernelPackage: () => "kernel",
  initramfs: ["dracut"],
  cmdlineFix: "sudo sed -i 's/ *cloud-init=disabled//' /etc/default/grub && sudo grub2-mkconfig -o /boot/grub2/grub.cfg",
  grub: { package: "grub2", install: "grub2-install /dev/sda && grub2-mkconfig -o /boot/grub2/grub.cfg" },
  agentPath: "/usr/bin/qemu-ga",
  ...SYSTEMD,
};
