import { describe, expect, it } from "vitest";
import { GuestFs } from "../fs/guest-fs";
import type { Check, CheckStatus, GuestInfo } from "../report";
import { GRUB_BIOS } from "../testing/boot-files";
import { HostDirectoryFileSystem } from "../testing/host-fs";
import { fixtureFamily } from "../../testing/fixtures";
import { GUEST_CHECK_IDS } from "./checks";
import { EXPECTED_STATUSES } from "./expected-statuses";
import { runGuestChecks } from "./run-checks";

const trees = fixtureFamily("guest-trees");

async function inspectTree(name: string): Promise<{ guest: GuestInfo; checks: Check[]; byId: Record<string, Check>; fs: HostDirectoryFileSystem }> {
  const fs = new HostDirectoryFileSystem(trees.file(name));
  const result = await runGuestChecks(new GuestFs(fs), { root: { partition: 1, fileSystem: "ext4" }, loaders: GRUB_BIOS, image: "template.qcow2" });
  return { ...result, byId: Object.fromEntries(result.checks.map((c) => [c.id, c])), fs };
}

const statuses = (checks: Check[]): Record<string, CheckStatus> => Object.fromEntries(checks.map((c) => [c.id, c.status]));
const ALL_PASS = EXPECTED_STATUSES.debian12;

describe.skipIf(trees.skipped)("guest checks on distribution-like trees", () => {
  it("a clean Debian 12 passes every check and is described fully", async () => {
    const { guest, checks, byId } = await inspectTree("debian12");
    expect(checks.map((c) => c.id)).toEqual(GUEST_CHECK_IDS);
    expect(statuses(checks)).toEqual(ALL_PASS);
    expect(guest).toEqual({
      osType: "linux",
      distro: "debian",
      version: "12",
      prettyName: "Debian GNU/Linux 12 (bookworm)",
      arch: "x86_64",
      kernels: ["6.1.0-18-amd64"],
      firmware: ["bios"],
      root: { partition: 1, fileSystem: "ext4" },
    });
    expect(byId["guest.os"]).toMatchObject({ path: "/etc/os-release" });
    expect(byId["virtio.disk"].path).toBe("/usr/lib/modules/6.1.0-18-amd64/kernel/drivers/block/virtio_blk.ko");
    expect(byId["virtio.initramfs"]).toMatchObject({ path: "/boot/initrd.img-6.1.0-18-amd64" });
    expect(byId["virtio.initramfs"]).toMatchObject({ code: "virtio.initramfs_driver" });
    expect(byId["virtio.initramfs"].message).toContain("(zstd)");
    expect(byId["cloudinit.installed"]).toMatchObject({ code: "cloudinit.installed", path: "/usr/bin/cloud-init" });
    expect(byId["cloudinit.enabled"]).toMatchObject({ code: "cloudinit.wanted_by_generator", path: "/usr/bin/cloud-init" });
    expect(byId["network.dhcp"]).toMatchObject({ path: "/etc/network/interfaces.d/eth0" });
    expect(byId["guest.qemu-guest-agent"]).toMatchObject({ path: "/usr/sbin/qemu-ga" });
  });

  it("a clean RHEL 9 passes, ignores the rescue kernel and reads the gzip initramfs after its early cpio", async () => {
    const { guest, checks, byId } = await inspectTree("rhel9");
    expect(statuses(checks)).toEqual(ALL_PASS);
    expect(guest).toMatchObject({
      distro: "rhel",
      version: "9.3",
      prettyName: "Red Hat Enterprise Linux 9.3 (Plow)",
      arch: "x86_64",
      kernels: ["5.14.0-362.8.1.el9_3.x86_64"],
    });
    expect(byId["virtio.disk"].path).toMatch(/virtio_blk\.ko\.xz$/);
    expect(byId["virtio.initramfs"].message).toMatch(/initramfs-5\.14\.0-362\.8\.1\.el9_3\.x86_64\.img \(gzip\)/);
    expect(byId["cloudinit.enabled"]).toMatchObject({ code: "cloudinit.wanted_by_target" });
    expect(byId["guest.qemu-guest-agent"]).toMatchObject({ path: "/usr/bin/qemu-ga" });
  });

  it("Ubuntu 24.04 with virtio built in passes without looking for modules in the initramfs", async () => {
    const { guest, checks, byId } = await inspectTree("ubuntu2404");
    expect(statuses(checks)).toEqual(ALL_PASS);
    expect(guest).toMatchObject({ distro: "ubuntu", version: "24.04", kernels: ["6.8.0-31-generic"] });
    expect(byId["virtio.disk"].message).toContain("virtio_blk built in");
    expect(byId["virtio.initramfs"].path).toMatch(/modules\.builtin$/);
    expect(byId["network.dhcp"]).toMatchObject({ path: "/etc/netplan/01-netcfg.yaml" });
  });

  it("CentOS 6 without os-release, usrmerge or systemd", async () => {
    const { guest, checks, byId } = await inspectTree("centos6");
    expect(statuses(checks)).toEqual(ALL_PASS);
    expect(guest).toMatchObject({
      distro: "centos",
      version: "6.10",
      prettyName: "CentOS release 6.10 (Final)",
      arch: "x86_64",
      kernels: ["2.6.32-754.el6.x86_64"],
    });
    expect(byId["guest.os"].path).toBe("/etc/redhat-release");
    // virtio_pci is a module there, so it has to be in the (xz) initramfs as well.
    expect(byId["virtio.initramfs"].message).toMatch(/virtio_blk, virtio_pci in \/boot\/initramfs-2\.6\.32-754\.el6\.x86_64\.img \(xz\)/);
    // Enabled by a SysV start link, and its evidence is the program the init script runs (files over package databases).
    expect(byId["cloudinit.enabled"]).toMatchObject({ code: "cloudinit.start_link", path: "/usr/bin/cloud-init" });
    expect(byId["cloudinit.enabled"].message).toContain("/etc/rc3.d/S50cloud-init-local runs /etc/rc.d/init.d/cloud-init-local");
    expect(byId["network.dhcp"].message).toContain("BOOTPROTO=dhcp");
  });

  it("aarch64 from the ELF header of /bin/sh, through the usrmerge link", async () => {
    const { guest } = await inspectTree("rhel9-aarch64");
    expect(guest.arch).toBe("aarch64");
    expect(guest.kernels).toEqual(["5.14.0-362.8.1.el9_3.aarch64"]);
  });

  it("a used Debian warns on every hygiene check, with a fix for each", async () => {
    const { checks, byId } = await inspectTree("debian12-dirty");
    expect(statuses(checks)).toEqual(EXPECTED_STATUSES["debian12-dirty"]);
    expect(byId["cloudinit.clean"]).toMatchObject({ path: "/var/lib/cloud/instance", fix: "cloud-init clean --logs --machine-id --seed" });
    expect(byId["hygiene.machine-id"]).toMatchObject({ path: "/etc/machine-id", fix: "virt-sysprep -a template.qcow2 --operations machine-id" });
    expect(byId["hygiene.machine-id"]).toMatchObject({ code: "hygiene.machine_id_set" });
    expect(byId["hygiene.machine-id"].message).toContain("/var/lib/dbus/machine-id");
    expect(byId["hygiene.ssh-host-keys"]).toMatchObject({
      path: "/etc/ssh/ssh_host_ecdsa_key",
      fix: "virt-sysprep -a template.qcow2 --operations ssh-hostkeys",
    });
    expect(byId["hygiene.shell-history"]).toMatchObject({ code: "hygiene.history" });
    expect(byId["hygiene.shell-history"].message).toContain("/root/.bash_history");
    expect(byId["hygiene.shell-history"].message).toContain("/home/alice/.python_history");
    expect(byId["hygiene.shell-history"].message).not.toContain(".zsh_history"); // empty, or a link to /dev/null
    expect(byId["hygiene.shell-history"].fix).toContain("--operations bash-history,customize --delete /root/.lesshst");
    expect(byId["hygiene.logs"].fix).toBe("virt-sysprep -a template.qcow2 --operations logfiles");
    expect(byId["hygiene.logs"]).toMatchObject({ code: "hygiene.logs" });
    expect(byId["hygiene.logs"].message).toContain("/var/log/apt/history.log");
    expect(byId["network.dhcp"]).toMatchObject({ code: "network.static_mac_bound" });
    expect(byId["network.dhcp"].message).toContain("iface eth0 inet static");
    expect(byId["network.dhcp"].message).toContain("52:54:00:12:34:56");
    expect(byId["network.dhcp"].fix).toBe("virt-sysprep -a template.qcow2 --operations udev-persistent-net,customize --delete /etc/network/interfaces.d/eth0");
    expect(byId["tools.other-hypervisors"]).toMatchObject({
      path: "/etc/systemd/system/multi-user.target.wants/open-vm-tools.service",
      fix: "sudo apt-get purge -y open-vm-tools",
    });
    expect(byId["guest.qemu-guest-agent"].fix).toBe("sudo apt-get install -y qemu-guest-agent");
  });

  it("a used RHEL: NetworkManager, ifcfg and networkd findings, Hyper-V daemons, dnf fixes", async () => {
    const { byId } = await inspectTree("rhel9-dirty");
    const network = byId["network.dhcp"];
    expect(network.status).toBe("warn");
    expect(network.message).toContain("ipv4.method=manual");
    expect(network.code).toBe("network.static_mac_bound");
    expect(network.fix).toContain("net-hwaddr");
    expect(network.fix).toContain("--delete /etc/NetworkManager/system-connections/eth0.nmconnection");
    expect(network.fix).toContain("--delete /etc/systemd/network/10-eth2.network");
    expect(byId["tools.other-hypervisors"]).toMatchObject({ status: "warn", path: "/etc/systemd/system/multi-user.target.wants/hypervkvpd.service" });
    expect(byId["tools.other-hypervisors"].fix).toBe("sudo dnf remove -y hyperv-daemons");
    expect(byId["guest.qemu-guest-agent"]).toMatchObject({ status: "warn", fix: "sudo dnf install -y qemu-guest-agent" });
  });

  it("a used Ubuntu: netplan with a static address, match macaddress and set-name; VirtualBox and Xen tools", async () => {
    const { byId } = await inspectTree("ubuntu2404-dirty");
    expect(byId["network.dhcp"].status).toBe("warn");
    expect(byId["network.dhcp"].message).toContain("ens3: addresses 192.0.2.30/24");
    expect(byId["network.dhcp"].message).toContain("match macaddress 52:54:00:77:88:99, set-name ens3");
    const tools = byId["tools.other-hypervisors"];
    expect(tools).toMatchObject({ status: "warn", code: "tools.started" });
    expect(tools.message).toContain("VirtualBox Guest Additions");
    expect(tools.message).toContain("Xen guest utilities");
    expect(tools.fix).toBe("sudo /opt/VBoxGuestAdditions-*/uninstall.sh && sudo apt-get purge -y xe-guest-utilities");
  });

  it("fails virtio.disk and virtio.net for a kernel without virtio, and skips the initramfs check", async () => {
    const { byId } = await inspectTree("no-virtio");
    expect(byId["virtio.disk"]).toMatchObject({ status: "fail", fix: "sudo apt-get install -y linux-image-amd64" });
    expect(byId["virtio.disk"]).toMatchObject({ code: "virtio.disk_driver_missing" });
    expect(byId["virtio.disk"].message).toContain("no virtio_blk, no virtio_scsi");
    expect(byId["virtio.net"].status).toBe("fail");
    expect(byId["virtio.initramfs"].status).toBe("skip");
  });

  it("fails virtio.initramfs when a host-only initramfs lacks the module, with a dracut fix", async () => {
    const { byId } = await inspectTree("initramfs-no-virtio");
    expect(byId["virtio.disk"].status).toBe("pass");
    expect(byId["virtio.initramfs"]).toMatchObject({ status: "fail", path: "/boot/initramfs-5.14.0-362.8.1.el9_3.x86_64.img" });
    expect(byId["virtio.initramfs"].code).toBe("virtio.initramfs_driver_missing");
    expect(byId["virtio.initramfs"].fix).toBe(
      `echo 'add_drivers+=" virtio_blk virtio_scsi "' | sudo tee /etc/dracut.conf.d/virtio.conf && sudo dracut -f --regenerate-all`,
    );
  });

  it("fails cloudinit.installed when only the configuration is left, and skips what depends on it", async () => {
    const { byId } = await inspectTree("no-cloud-init");
    expect(byId["cloudinit.installed"]).toMatchObject({ status: "fail", path: "/etc/cloud/cloud.cfg", fix: "sudo apt-get install -y cloud-init" });
    expect(byId["cloudinit.installed"].code).toBe("cloudinit.removed_not_purged");
    expect(byId["cloudinit.enabled"].status).toBe("skip");
    expect(byId["cloudinit.clean"].status).toBe("skip");
  });

  it("fails cloudinit.enabled for cloud-init.disabled, the kernel command line, and units that nothing starts", async () => {
    const disabled = (await inspectTree("cloud-init-disabled")).byId["cloudinit.enabled"];
    expect(disabled).toMatchObject({
      status: "fail",
      path: "/etc/cloud/cloud-init.disabled",
      fix: "virt-customize -a template.qcow2 --delete /etc/cloud/cloud-init.disabled",
    });
    const cmdline = (await inspectTree("cloud-init-cmdline-off")).byId["cloudinit.enabled"];
    expect(cmdline).toMatchObject({ status: "fail", path: "/etc/default/grub" });
    expect(cmdline.fix).toContain("update-grub");
    const units = (await inspectTree("cloud-init-units-off")).byId["cloudinit.enabled"];
    expect(units).toMatchObject({ status: "fail", path: "/usr/lib/systemd/system/cloud-init-local.service" });
    expect(units.fix).toBe("sudo systemctl enable cloud-init-local.service cloud-init.service cloud-config.service cloud-final.service");
  });

  it("believes the files over the package database: deleted cloud-init fails, and so do start links to its missing program", async () => {
    const { byId } = await inspectTree("cloud-init-deleted");
    expect(byId["cloudinit.installed"]).toMatchObject({
      status: "fail",
      code: "cloudinit.program_missing",
      path: "/usr/bin/cloud-init",
      fix: "sudo apt-get install --reinstall -y cloud-init",
    });
    expect(byId["cloudinit.enabled"]).toMatchObject({ status: "fail", code: "cloudinit.start_program_missing", path: "/usr/bin/cloud-init" });
    expect(byId["cloudinit.enabled"].message).toContain("/etc/rc2.d/S01cloud-init-local");
    const noPython = (await inspectTree("cloud-init-no-python")).byId;
    expect(noPython["cloudinit.installed"]).toMatchObject({
      status: "fail",
      code: "cloudinit.python_package_missing",
      path: "/usr/lib/python3/dist-packages/cloudinit",
      fix: "sudo apt-get install --reinstall -y cloud-init",
    });
  });

  // "no-os" and "windows" have no Linux root to run the checks on: the disk-image tests cover them.
  for (const tree of Object.keys(EXPECTED_STATUSES).filter((t) => t !== "windows" && t !== "no-os")) {
    it(`${tree}: every check has the expected status`, async () => {
      expect(statuses((await inspectTree(tree)).checks)).toEqual(EXPECTED_STATUSES[tree]);
    });
  }

  it("never follows a link to the host: loops and host-aimed links stay inside the tree", async () => {
    const { checks, fs: hostFs } = await inspectTree("debian12");
    expect(statuses(checks)["hygiene.logs"]).toBe("pass"); // /var/log/host-syslog and shadow-copy point at host files that exist
    const root = trees.file("debian12");
    expect(hostFs.opened.every((p) => p === root || p.startsWith(`${root}/`))).toBe(true);
  });
});
