import type { OsIdentity } from "../os-release";
import { SYSTEMD, type Family } from "./family";

/** yum before RHEL 8 (and its rebuilds), dnf after. */
function packageTool(os: OsIdentity | null): string {
  const major = Number.parseInt(os?.version ?? "", 10);
  return ["rhel", "centos", "ol", "scientific"].includes(os?.id ?? "") && major > 0 && major <= 7 ? "yum" : "dnf";
}

/** Red Hat Enterprise Linux, Fedora, CentOS and the rebuilds: RPM with yum or dnf, dracut, BLS entries edited by grubby. */
export const rhel: Family = {
  name: "rhel",
  matches: (id) => id === "rhel" || id === "fedora" || id === "centos",
  install: (packages, os) => `sudo ${packageTool(os)} install -y ${packages.join(" ")}`,
  reinstall: (packages, os) => `sudo ${packageTool(os)} reinstall -y ${packages.join(" ")}`,
  remove: (packages, os) => `sudo ${packageTool(os)} remove -y ${packages.join(" ")}`,
  kernelPackage: () => "kernel-core",
  initramfs: ["dracut"],
  cmdlineFix: "sudo grubby --update-kernel=ALL --remove-args=cloud-init=disabled && sudo sed -i 's/ *cloud-init=disabled//' /etc/default/grub",
  grub: { package: "grub2-pc", install: "grub2-install /dev/sda && grub2-mkconfig -o /boot/grub2/grub.cfg" },
  agentPath: "/usr/bin/qemu-ga",
  ...SYSTEMD,
};
