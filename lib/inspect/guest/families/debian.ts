import { SYSTEMD, type Family } from "./family";

/** Debian, Ubuntu and their derivatives: dpkg and apt, initramfs-tools, update-grub. */
export const debian: Family = {
  name: "debian",
  matches: (id) => id === "debian" || id === "ubuntu",
  install: (packages) => `sudo apt-get install -y ${packages.join(" ")}`,
  reinstall: (packages) => `sudo apt-get install --reinstall -y ${packages.join(" ")}`,
  remove: (packages) => `sudo apt-get purge -y ${packages.join(" ")}`,
  kernelPackage: (os, arch) => (os?.id === "ubuntu" ? "linux-image-virtual" : arch === "aarch64" ? "linux-image-arm64" : "linux-image-amd64"),
  initramfs: ["initramfs-tools", "dracut"],
  cmdlineFix: "sudo sed -i 's/ *cloud-init=disabled//' /etc/default/grub && sudo update-grub",
  grub: { package: "grub-pc", install: "grub-install /dev/sda && update-grub" },
  agentPath: "/usr/sbin/qemu-ga",
  ...SYSTEMD,
};
