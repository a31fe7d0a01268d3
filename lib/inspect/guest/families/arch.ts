import { SYSTEMD, type Family } from "./family";

/** Arch Linux: pacman, mkinitcpio, the kernel package named "linux". */
export const arch: Family = {
  name: "arch",
  matches: (id) => id === "arch" || id === "archlinux",
  install: (packages) => `sudo pacman -S --noconfirm ${packages.join(" ")}`,
  reinstall: (packages) => `sudo pacman -S --noconfirm ${packages.join(" ")}`,
  remove: (packages) => `sudo pacman -R --noconfirm ${packages.join(" ")}`,
  kernelPackage: () => "linux",
  initramfs: ["mkinitcpio", "dracut"],
  cmdlineFix: "sudo sed -i 's/ *cloud-init=disabled//' /etc/default/grub && sudo grub-mkconfig -o /boot/grub/grub.cfg",
  grub: { package: "grub", install: "grub-install --target=i386-pc /dev/sda && grub-mkconfig -o /boot/grub/grub.cfg" },
  agentPath: "/usr/bin/qemu-ga",
  ...SYSTEMD,
};
