import { describe, expect, it } from "vitest";
import { GuestFs } from "../fs/guest-fs";
import { MemoryFileSystem, type MemoryNode } from "../testing/memory-fs";
import { elfArchitecture } from "./elf";
import { parseFstab, resolveSpec, subvolumeOption } from "./fstab";
import { findKernels } from "./kernels";
import { KernelDrivers, DRIVERS } from "./kernel-drivers";
import { scanIfupdown } from "./network/ifupdown";
import { scanNetplan } from "./network/netplan";
import { scanIfcfg, scanNetworkManager } from "./network/network-manager";
import { scanNetworkd, scanUdevRules } from "./network/networkd";
import { familyOf } from "./families";
import { parseRedhatRelease, parseShellAssignments, readOsIdentity } from "./os-release";
import { parseDpkgStatus, readInstalledPackages } from "./packages";
import { GuestServices } from "./services";
import { compareVersions } from "./version-order";
import { lvmDeviceNames } from "../disk/lvm";

const guestOf = (tree: { [name: string]: MemoryNode }) => new GuestFs(new MemoryFileSystem(tree));

describe("release files", () => {
  it("parses os-release quoting as the spec allows", () => {
    const values = parseShellAssignments(
      `# comment\nNAME="Fancy \\"Linux\\""\nID=fancy\nVERSION='1.0 (x)'\nEMPTY=\nexport X=1\nPRETTY_NAME="a \\$b \\\\c" # trailing\nbad line\n`,
    );
    expect(values.get("NAME")).toBe('Fancy "Linux"');
    expect(values.get("ID")).toBe("fancy");
    expect(values.get("VERSION")).toBe("1.0 (x)");
    expect(values.get("EMPTY")).toBe("");
    expect(values.get("X")).toBe("1");
    expect(values.get("PRETTY_NAME")).toBe("a $b \\c");
  });

  it("falls back from os-release to lsb-release, the Red Hat family's files and debian_version", async () => {
    expect(await readOsIdentity(guestOf({ usr: { lib: { "os-release": "ID=arch\nNAME=Arch\n" } }, etc: {} }))).toMatchObject({
      id: "arch",
      source: "/usr/lib/os-release",
      prettyName: "Arch",
    });
    expect(
      await readOsIdentity(guestOf({ etc: { "lsb-release": 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_DESCRIPTION="Ubuntu 14.04.6 LTS"\n' } })),
    ).toMatchObject({ id: "ubuntu", version: "14.04" });
    expect(await readOsIdentity(guestOf({ etc: { debian_version: "7.11\n" } }))).toMatchObject({ id: "debian", version: "7" });
    expect(await readOsIdentity(guestOf({ etc: { debian_version: "trixie/sid\n" } }))).toMatchObject({ id: "debian", version: "trixie/sid" });
    expect(await readOsIdentity(guestOf({ etc: {} }))).toBeNull();
    expect(parseRedhatRelease("Rocky Linux release 9.3 (Blue Onyx)\n", "/etc/redhat-release")).toMatchObject({
      id: "rocky",
      version: "9.3",
      idLike: ["rhel", "centos", "fedora"],
    });
    expect(parseRedhatRelease("CentOS Linux release 7.9.2009 (Core)", "x")).toMatchObject({ id: "centos", version: "7.9.2009" });
    expect(parseRedhatRelease("Fedora release 39 (Thirty Nine)", "x")).toMatchObject({ id: "fedora", version: "39" });
  });

  it("maps distributions to the family whose package manager they use", () => {
    const os = (id: string, idLike: string[] = []) => ({ id, idLike, version: "9", prettyName: null, source: "" });
    expect(familyOf(os("ubuntu", ["debian"])).name).toBe("debian");
    expect(familyOf(os("almalinux", ["rhel", "centos", "fedora"])).name).toBe("rhel");
    expect(familyOf(os("opensuse-leap", ["suse", "opensuse"])).name).toBe("suse");
    expect(familyOf(os("sles")).name).toBe("suse");
    expect(familyOf(null).name).toBe("unknown");
    const centos7 = { ...os("centos"), version: "7" };
    expect(familyOf(centos7).install(["cloud-init"], centos7, "x")).toBe("sudo yum install -y cloud-init");
    expect(familyOf(os("rhel")).install(["cloud-init"], os("rhel"), "x")).toBe("sudo dnf install -y cloud-init");
    expect(familyOf(os("sles")).install(["cloud-init"], os("sles"), "x")).toBe("sudo zypper --non-interactive install cloud-init");
    expect(familyOf(null).install(["cloud-init"], null, "my disk.qcow2")).toBe("virt-customize -a 'my disk.qcow2' --install cloud-init");
  });
});

describe("architecture and kernels", () => {
  const header = (cls: number, data: number, machine: number) => {
    const bytes = new Uint8Array(64);
    bytes.set([0x7f, 0x45, 0x4c, 0x46, cls, data, 1]);
    if (data === 1) bytes.set([machine & 0xff, machine >> 8], 18);
    else bytes.set([machine >> 8, machine & 0xff], 18);
    return bytes;
  };
  it("reads e_machine in the header's byte order", () => {
    expect(elfArchitecture(header(2, 1, 0x3e))).toBe("x86_64");
    expect(elfArchitecture(header(2, 1, 0xb7))).toBe("aarch64");
    expect(elfArchitecture(header(1, 1, 0x03))).toBe("i386");
    expect(elfArchitecture(header(2, 1, 0x15))).toBe("ppc64le");
    expect(elfArchitecture(header(2, 2, 0x16))).toBe("s390x");
    expect(elfArchitecture(header(2, 1, 0xf3))).toBe("riscv64");
    expect(elfArchitecture(new TextEncoder().encode("#!/bin/sh\n"))).toBeNull();
    expect(elfArchitecture(header(3, 1, 0x3e))).toBeNull();
  });

  it("orders versions like sort -V", () => {
    const sorted = ["6.1.0-21-amd64", "6.1.0-9-amd64", "5.10.0-28-amd64", "6.1.0-18-amd64"].sort(compareVersions);
    expect(sorted).toEqual(["5.10.0-28-amd64", "6.1.0-9-amd64", "6.1.0-18-amd64", "6.1.0-21-amd64"]);
  });

  it("lists kernels from /boot and module trees, skipping the rescue image and leftovers", async () => {
    const guest = guestOf({
      boot: { "vmlinuz-6.1.0-9-amd64": "k", "vmlinuz-6.1.0-18-amd64": "k", "vmlinuz-0-rescue-abc": "k", vmlinuz: { symlink: "vmlinuz-6.1.0-18-amd64" } },
      lib: {
        modules: { "6.1.0-18-amd64": { "modules.dep": "" }, "6.1.0-9-amd64": { kernel: {} }, "5.10.0-1-amd64": { extra: {} }, "6.5.0-x": { vmlinuz: "k" } },
      },
      usr: { lib: { modules: { symlink: "../../lib/modules" } } },
    });
    const kernels = await findKernels(guest);
    expect(kernels.map((k) => k.version)).toEqual(["6.1.0-9-amd64", "6.1.0-18-amd64", "6.5.0-x"]);
    expect(kernels[2]).toMatchObject({ image: "/lib/modules/6.5.0-x/vmlinuz", modulesDir: "/lib/modules/6.5.0-x" });
  });

  it("finds a driver through modules.dep, modules.builtin or the config, and calls a configured module without its file missing", async () => {
    const kernel = (name: string, files: { [name: string]: MemoryNode }, config = "") => ({
      guest: guestOf({ boot: { [`config-${name}`]: config }, lib: { modules: { [name]: files } } }),
      kernel: { version: name, modulesDir: `/lib/modules/${name}`, image: null, bootName: null },
    });
    const dep = kernel("a", { "modules.dep": "updates/virtio_blk.ko.zst: kernel/virtio.ko\n", updates: { "virtio_blk.ko.zst": "m" } });
    expect(await new KernelDrivers(dep.guest, dep.kernel).presence(DRIVERS.virtio_blk)).toEqual({
      state: "module",
      evidence: "/lib/modules/a/updates/virtio_blk.ko.zst",
    });
    const builtin = kernel("b", { "modules.builtin": "kernel/drivers/block/virtio-blk.ko\n" });
    expect(await new KernelDrivers(builtin.guest, builtin.kernel).presence(DRIVERS.virtio_blk)).toMatchObject({ state: "builtin" });
    const config = kernel("c", { "modules.dep": "" }, "CONFIG_VIRTIO_NET=y\nCONFIG_VIRTIO_BLK=m\n");
    const drivers = new KernelDrivers(config.guest, config.kernel);
    expect(await drivers.presence(DRIVERS.virtio_net)).toEqual({ state: "builtin", evidence: "/boot/config-c" });
    expect(await drivers.presence(DRIVERS.virtio_blk)).toEqual({ state: "missing", evidence: "/boot/config-c" });
  });
});

describe("packages and services", () => {
  it("reads dpkg states: installed, half-configured, config-files", () => {
    const { present, configOnly } = parseDpkgStatus(
      "Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: deinstall ok config-files\n\n" +
        "Package: c\nStatus: install ok half-configured\n\nPackage: d\nStatus: purge ok not-installed\n",
    );
    expect([...present]).toEqual(["a", "c"]);
    expect([...configOnly]).toEqual(["b"]);
  });

  it("reads apk and pacman databases, and says it cannot tell for RPM", async () => {
    const apk = await readInstalledPackages(guestOf({ lib: { apk: { db: { installed: "C:x\nP:cloud-init\nV:1\n\nP:qemu-guest-agent\n" } } } }));
    expect([apk.manager, apk.installed("cloud-init"), apk.installed("open-vm-tools")]).toEqual(["apk", true, false]);
    const pacman = await readInstalledPackages(guestOf({ var: { lib: { pacman: { local: { "cloud-init-24.1-1": {}, "qemu-guest-agent-8.2.0-1": {} } } } } }));
    expect([pacman.installed("cloud-init"), pacman.installed("qemu-guest-agent")]).toEqual([true, true]);
    const rpm = await readInstalledPackages(guestOf({ var: { lib: { rpm: { "rpmdb.sqlite": "x" } } } }));
    expect([rpm.manager, rpm.installed("cloud-init")]).toEqual(["rpm", null]);
  });

  it("decides enablement from wants links, masks, SysV and OpenRC links", async () => {
    const guest = guestOf({
      etc: {
        systemd: {
          system: {
            "multi-user.target.wants": {
              "a.service": { symlink: "/usr/lib/systemd/system/a.service" },
              "gone.service": { symlink: "/usr/lib/systemd/system/gone.service" },
            },
            "m.service": { symlink: "/dev/null" },
          },
        },
        "rc2.d": { S01legacy: { symlink: "../init.d/legacy" } },
        runlevels: { default: { "openrc-svc": { symlink: "/etc/init.d/openrc-svc" } } },
      },
      usr: {
        lib: {
          systemd: {
            system: {
              "a.service": "[Unit]",
              "b.service": "[Unit]",
              "m.service": "[Unit]",
              "sockets.target.wants": { "s.socket": { symlink: "../s.socket" } },
              "s.socket": "",
            },
          },
        },
      },
    });
    const services = new GuestServices(guest);
    expect(await services.enablement(["a.service"])).toMatchObject({ enabled: true, by: "multi-user.target" });
    expect(await services.enablement(["b.service"])).toMatchObject({ enabled: false, evidence: "/usr/lib/systemd/system/b.service" });
    expect(await services.enablement(["m.service"])).toMatchObject({ enabled: false, masked: true });
    expect(await services.enablement(["gone.service"])).toMatchObject({ enabled: false });
    expect(await services.enablement(["s.socket"])).toMatchObject({ enabled: true, by: "sockets.target" });
    expect(await services.enablement([], ["legacy"])).toMatchObject({ enabled: true, evidence: "/etc/rc2.d/S01legacy" });
    expect(await services.enablement([], ["openrc-svc"])).toMatchObject({ enabled: true, by: "runlevel default" });
  });
});

describe("network configuration", () => {
  it("ifupdown: static stanzas in sourced files and source-directory, loopback ignored", async () => {
    const guest = guestOf({
      etc: {
        network: {
          interfaces: "auto lo\niface lo inet loopback\nsource interfaces.d/*.cfg\nsource-directory /etc/network/more\niface eth0 inet dhcp # comment\n",
          "interfaces.d": { "a.cfg": "iface ens3 inet static\n  address 10.0.0.2/24\n", "b.txt": "iface ignored inet static\n" },
          more: { x: "iface ens4 inet6 static\n" },
        },
      },
    });
    const scan = await scanIfupdown(guest);
    expect(scan.findings.map((f) => [f.path, f.detail])).toEqual([
      ["/etc/network/interfaces.d/a.cfg", "iface ens3 inet static"],
      ["/etc/network/more/x", "iface ens4 inet6 static"],
    ]);
    expect(scan.dhcp).toEqual([{ path: "/etc/network/interfaces", detail: "iface eth0 inet dhcp" }]);
  });

  it("netplan: YAML flow and block styles, later directories override, bad YAML and alias bombs are ignored", async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "",
    ].join("\n");
    const guest = guestOf({
      lib: {
        netplan: {
          "00-vendor.yaml": "network: {version: 2, ethernets: {eth0: {addresses: [10.1.1.1/24]}}}",
          "10-same.yaml": "network: {ethernets: {x: {dhcp4: true}}}",
        },
      },
      etc: {
        netplan: {
          "00-vendor.yaml": "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: 'yes'\n",
          "50-bond.yaml":
            "network:\n  bonds:\n    bond0:\n      interfaces: [eth1]\n      addresses:\n        - 192.0.2.5/24\n" +
            "  ethernets:\n    nic:\n      match: {macaddress: 'aa:bb:cc:dd:ee:ff'}\n      set-name: eth9\n      dhcp4: true\n",
          "60-broken.yaml": "network: [unclosed",
          "70-bomb.yaml": bomb,
          README: "not yaml",
        },
      },
    });
    const scan = await scanNetplan(guest);
    expect(scan.findings.map((f) => f.detail)).toEqual(["nic: match macaddress aa:bb:cc:dd:ee:ff, set-name eth9", "bond0: addresses 192.0.2.5/24"]);
    expect(scan.dhcp.map((d) => d.path)).toEqual(["/etc/netplan/00-vendor.yaml", "/lib/netplan/10-same.yaml", "/etc/netplan/50-bond.yaml"]);
  });

  it("NetworkManager keyfiles and ifcfg files", async () => {
    const guest = guestOf({
      etc: {
        NetworkManager: {
          "system-connections": {
            "a.nmconnection": "[connection]\nid=a\n[ipv4]\nmethod=auto\n",
            "b.nmconnection": "[802-3-ethernet]\nmac-address=AA:BB:CC:DD:EE:FF\n[ipv6]\nmethod=manual\n",
          },
        },
        sysconfig: {
          "network-scripts": {
            "ifcfg-eth0": "BOOTPROTO=dhcp\nHWADDR=aa:bb:cc:dd:ee:01\n",
            "ifcfg-eth1": 'BOOTPROTO="static"\nIPADDR=10.0.0.1\n',
            "ifcfg-eth2": "IPADDR=10.0.0.2\n",
            "ifcfg-lo": "IPADDR=127.0.0.1\n",
            "ifcfg-eth3.bak": "BOOTPROTO=static\n",
          },
          network: { "ifcfg-eth4": "BOOTPROTO='static'\nIPADDR='10.0.0.4/24'\n" },
        },
      },
    });
    const nm = await scanNetworkManager(guest);
    expect(nm.findings.map((f) => f.detail)).toEqual(["b.nmconnection: ipv6.method=manual", "b.nmconnection: ethernet.mac-address=AA:BB:CC:DD:EE:FF"]);
    expect(nm.dhcp).toHaveLength(1);
    const ifcfg = await scanIfcfg(guest);
    expect(ifcfg.findings.map((f) => `${f.kind} ${f.detail}`)).toEqual([
      "mac eth0: HWADDR=aa:bb:cc:dd:ee:01",
      "static eth1: BOOTPROTO=static IPADDR=10.0.0.1",
      "static eth2: BOOTPROTO=none IPADDR=10.0.0.2",
      "static eth4: BOOTPROTO=static IPADDR=10.0.0.4/24",
    ]);
  });

  it("systemd-networkd .network and .link files, udev persistent-net rules", async () => {
    const guest = guestOf({
      etc: {
        systemd: {
          network: {
            "10-a.network": "[Match]\nName=en*\n[Network]\nDHCP=yes\n",
            "20-b.network": "[Match]\nName=eth1\n[Address]\nAddress=10.0.0.9/24\n",
            "30-c.link": "[Match]\nMACAddress=aa:bb:cc:00:00:01\n[Link]\nName=lan0\n",
          },
        },
        udev: {
          "rules.d": {
            "70-persistent-net.rules":
              '# SUBSYSTEM=="net", ATTR{address}=="00:00:00:00:00:00", NAME="eth0"\nSUBSYSTEM=="net", ATTR{address}=="52:54:00:aa:bb:cc", NAME="eth0"\n',
          },
        },
      },
    });
    const networkd = await scanNetworkd(guest);
    expect(networkd.findings.map((f) => f.detail)).toEqual(["Address=10.0.0.9/24", "[Match] MACAddress=aa:bb:cc:00:00:01"]);
    expect(networkd.dhcp).toEqual([{ path: "/etc/systemd/network/10-a.network", detail: "DHCP=yes" }]);
    expect((await scanUdevRules(guest)).findings.map((f) => f.detail)).toEqual(["eth0 bound to 52:54:00:aa:bb:cc"]);
  });
});

describe("fstab", () => {
  it("parses escapes and resolves every kind of spec", () => {
    const entries = parseFstab("# c\nLABEL=My\\040Disk /mnt/my\\040disk ext4 defaults 0 2\n/dev/sda1 /boot ext4\nUUID=x /home btrfs rw,subvol=/@home 0 0\n");
    expect(entries[0]).toMatchObject({ spec: "LABEL=My Disk", mountPoint: "/mnt/my disk" });
    expect(subvolumeOption(entries[2])).toEqual({ path: "@home" });
    const fs = (uuid: string | null, label: string | null) => Object.assign(new MemoryFileSystem({}), { uuid, label });
    const volumes = [
      {
        partition: { number: 1, start: 0, size: 1, type: "x", role: "linux" as const, uuid: "0fc63daf-8483-4772-8e79-3d69d8477de4", name: "root fs" },
        fs: fs("abcd-1234", "EFI/ESP"),
      },
      { partition: { number: 15, start: 0, size: 1, type: "x", role: "linux" as const }, fs: fs("5e3c1d2a-0000-4000-8000-000000000000", null) },
    ];
    const table = { scheme: "mbr" as const, partitions: volumes.map((v) => v.partition), diskId: "0xdeadbeef", hasBootCode: true };
    expect(resolveSpec("UUID=ABCD-1234", volumes, table)).toBe(volumes[0]);
    expect(resolveSpec("/dev/disk/by-label/EFI\\x2fESP", volumes, table)).toBe(volumes[0]);
    expect(resolveSpec("PARTLABEL=root fs", volumes, table)).toBe(volumes[0]);
    expect(resolveSpec("PARTUUID=0FC63DAF-8483-4772-8E79-3D69D8477DE4", volumes, table)).toBe(volumes[0]);
    expect(resolveSpec("PARTUUID=deadbeef-0f", volumes, table)).toBe(volumes[1]);
    expect(resolveSpec("/dev/vda15", volumes, table)).toBe(volumes[1]);
    expect(resolveSpec("/dev/nvme0n1p1", volumes, table)).toBe(volumes[0]);
    expect(resolveSpec("/dev/mapper/vg-root", volumes, table)).toBeNull();
    const lvs = [
      ...volumes,
      { partition: volumes[1].partition, fs: fs(null, null), lvm: { name: "my-vg/root", deviceNames: lvmDeviceNames("my-vg", "root") } },
    ];
    expect(resolveSpec("/dev/mapper/my--vg-root", lvs, table)).toBe(lvs[2]);
    expect(resolveSpec("/dev/my-vg/root", lvs, table)).toBe(lvs[2]);
    expect(resolveSpec("/dev/vda15", lvs, table)).toBe(lvs[1]);
    expect(resolveSpec("UUID=nope", volumes, table)).toBeNull();
  });
});
