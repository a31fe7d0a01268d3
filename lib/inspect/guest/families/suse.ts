import { SYSTEMD, type Family } from "./family";

/** SUSE Linux Enterprise and openSUSE: zypper, dracut, grub2-mkconfig. */
export const suse: Family = {
  name: "suse",
  matches: (id) => id === "suse" || id.startsWith("opensuse") || id === "sles" || id === "sled",
  install: (packages) => `sudo zypper --non-interactive install ${packages.join(" ")}`,
  reinstall: (packages) => `sudo zypper --non-interactive install --force ${packages.join(" ")}`,
  remove: (packages) => `sudo zypper --non-interactive remove ${packages.join(" ")}`,
  kernelPackage: () => "kernel-default",
  initramfs: ["dracut"],
  cmdlineFix: "sudo sed -i 's/ *cloud-init=disabled//' /etc/default/grub && sudo grub2-mkconfig -o /boot/grub2/grub.cfg",
  grub: { package: "grub2-i386-pc", install: "grub2-install /dev/sda && grub2-mkconfig -o /boot/grub2/grub.cfg" },
  agentPath: "/usr/bin/qemu-ga",
  ...SYSTEMD,
};
