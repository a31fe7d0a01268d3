import type { MemoryNode } from "./memory-fs";
import { gzipInitramfs } from "./boot-files";

type Tree = { [name: string]: MemoryNode };

/** An x86_64 ELF header, enough for the architecture check. */
export const ELF_X86_64 = (() => {
  const header = new Uint8Array(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
  header[18] = 0x3e;
  return header;
})();

export const ARCH_RELEASE = "6.9.7-arch1-1";
export const ALPINE_RELEASE = "6.6.31-0-virt";
export const SLES_RELEASE = "6.4.0-150600.23.17-default";

/**
 * Arch Linux as pacman and mkinitcpio lay it out: /boot files named by the
 * package (vmlinuz-linux, initramfs-linux.img), the release only in
 * /usr/lib/modules, which also holds the vmlinuz and the pkgbase.
 */
export function archTree(image: MemoryNode = "kernel"): Tree {
  const v = ARCH_RELEASE;
  return {
    bin: { symlink: "usr/bin" },
    lib: { symlink: "usr/lib" },
    etc: {
      "os-release": { symlink: "../usr/lib/os-release" },
      fstab: "",
      "mkinitcpio.conf": "MODULES=()\n",
      cloud: { "cloud.cfg": "" },
      systemd: {
        system: {
          "multi-user.target.wants": { "cloud-init.target": { symlink: "/usr/lib/systemd/system/cloud-init.target" } },
          "cloud-init.target.wants": { "cloud-init-local.service": { symlink: "/usr/lib/systemd/system/cloud-init-local.service" } },
        },
      },
    },
    boot: {
      "vmlinuz-linux": image,
      "initramfs-linux.img": gzipInitramfs([
        `usr/lib/modules/${v}/kernel/drivers/block/virtio_blk.ko.zst`,
        `usr/lib/modules/${v}/kernel/drivers/virtio/virtio_pci.ko.zst`,
      ]),
      "initramfs-linux-fallback.img": gzipInitramfs([]),
    },
    usr: {
      bin: { sh: ELF_X86_64, "cloud-init": "" },
      lib: {
        "os-release": 'NAME="Arch Linux"\nID=arch\nPRETTY_NAME="Arch Linux"\n',
        systemd: { system: { "cloud-init-local.service": "", "cloud-init.target": "" } },
        modules: {
          [v]: {
            vmlinuz: image,
            pkgbase: "linux\n",
            "modules.builtin": "",
            "modules.dep": "",
            kernel: { drivers: { block: { "virtio_blk.ko.zst": "" }, net: { "virtio_net.ko.zst": "" }, virtio: { "virtio_pci.ko.zst": "" } } },
          },
        },
      },
    },
  };
}

/**
 * Alpine with linux-virt: /boot/vmlinuz-virt, initramfs-virt and config-virt
 * named by the flavour, the release only as the module directory. With
 * `virtioInInitramfs` false, mkinitfs left the virtio drivers out.
 */
export function alpineTree(virtioInInitramfs = true): Tree {
  const v = ALPINE_RELEASE;
  const modules = virtioInInitramfs
    ? [`lib/modules/${v}/kernel/drivers/block/virtio_blk.ko.gz`, `lib/modules/${v}/kernel/drivers/virtio/virtio_pci.ko.gz`]
    : [`lib/modules/${v}/kernel/drivers/ata/ahci.ko.gz`];
  return {
    bin: { sh: ELF_X86_64 },
    etc: {
      "os-release": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME="Alpine Linux v3.20"\n',
      "alpine-release": "3.20.0",
      fstab: "",
      mkinitfs: { "mkinitfs.conf": 'features="ata base ext4 keymap kms mmc scsi usb"\n' },
      cloud: { "cloud.cfg": "" },
      "init.d": { "cloud-init-local": "", "cloud-init": "" },
      runlevels: {
        boot: { "cloud-init-local": { symlink: "/etc/init.d/cloud-init-local" } },
        default: { "cloud-init": { symlink: "/etc/init.d/cloud-init" } },
      },
    },
    boot: {
      "vmlinuz-virt": "kernel",
      "initramfs-virt": gzipInitramfs(modules),
      "config-virt": "CONFIG_VIRTIO_BLK=m\nCONFIG_VIRTIO_NET=m\nCONFIG_VIRTIO_PCI=m\n",
      "System.map-virt": "",
    },
    lib: {
      modules: {
        [v]: {
          "modules.dep": "",
          "modules.builtin": "",
          kernel: { drivers: { block: { "virtio_blk.ko.gz": "" }, net: { "virtio_net.ko.gz": "" }, virtio: { "virtio_pci.ko.gz": "" } } },
        },
      },
    },
    usr: { bin: { "cloud-init": "" } },
  };
}

/**
 * SLES 15 SP6: next to vmlinuz-<v>, /boot keeps vmlinux-<v>.gz (the
 * uncompressed kernel for crash analysis, compressed), a FIPS .hmac, the
 * System.map, config and symvers, and dracut's initrd-<v>.
 */
export function slesTree(image: MemoryNode = "kernel"): Tree {
  const v = SLES_RELEASE;
  return {
    bin: { sh: ELF_X86_64 },
    etc: { "os-release": 'NAME="SLES"\nID="sles"\nVERSION_ID="15.6"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP6"\n', fstab: "" },
    boot: {
      [`vmlinuz-${v}`]: image,
      [`vmlinux-${v}.gz`]: "compressed vmlinux",
      [`.vmlinuz-${v}.hmac`]: "",
      [`vmlinuz-${v}.hmac`]: "",
      [`System.map-${v}`]: "",
      [`symvers-${v}.gz`]: "",
      [`sysctl.conf-${v}`]: "",
      vmlinuz: { symlink: `vmlinuz-${v}` },
      [`initrd-${v}`]: gzipInitramfs([`lib/modules/${v}/kernel/drivers/block/virtio_blk.ko.zst`]),
      [`config-${v}`]: "CONFIG_VIRTIO_BLK=m\nCONFIG_VIRTIO_NET=m\nCONFIG_VIRTIO_PCI=y\n",
    },
    lib: {
      modules: {
        [v]: { "modules.dep": "", "modules.builtin": "", kernel: { drivers: { block: { "virtio_blk.ko.zst": "" }, net: { "virtio_net.ko.zst": "" } } } },
      },
    },
  };
}
