import { outcome, type CheckDefinition, type GuestContext } from "../context";

interface GuestTools {
  name: string;
  /** Distribution packages that carry them (dpkg, apk, pacman names). */
  packages: string[];
  /** The package on RPM distributions, whose database Hangar does not read: named when the files are there. */
  rpm?: Partial<Record<"rhel" | "suse", string>>;
  /** Files that show them installed when the package database cannot tell (RPM) or they came from a vendor installer. */
  files: string[];
  /** Directories whose name starts with the given prefix (vendor installers put versions in the name). */
  dirPrefixes?: { dir: string; prefix: string }[];
  units: string[];
  sysv: string[];
  /** How to get rid of a copy that did not come from a package. */
  uninstall?: string;
}

const TOOLS: GuestTools[] = [
  {
    name: "open-vm-tools (VMware)",
    packages: ["open-vm-tools", "open-vm-tools-desktop"],
    rpm: { rhel: "open-vm-tools", suse: "open-vm-tools" },
    files: ["/usr/bin/vmtoolsd"],
    units: ["open-vm-tools.service", "vmtoolsd.service", "vgauth.service"],
    sysv: ["open-vm-tools", "vmtoolsd"],
  },
  {
    name: "VMware Tools",
    packages: [],
    files: ["/etc/vmware-tools/services.sh", "/usr/lib/vmware-tools/sbin64/vmtoolsd", "/usr/sbin/vmtoolsd"],
    units: ["vmware-tools.service"],
    sysv: ["vmware-tools"],
    uninstall: "sudo vmware-uninstall-tools.pl",
  },
  {
    name: "Hyper-V daemons",
    packages: ["hyperv-daemons", "hyperv-daemons-license"],
    rpm: { rhel: "hyperv-daemons", suse: "hyper-v" },
    files: ["/usr/sbin/hypervkvpd", "/usr/sbin/hv_kvp_daemon", "/usr/libexec/hypervkvpd"],
    units: [
      "hypervkvpd.service",
      "hv-kvp-daemon.service",
      "hv_kvp_daemon.service",
      "hypervvssd.service",
      "hv-vss-daemon.service",
      "hypervfcopyd.service",
      "hv-fcopy-daemon.service",
    ],
    sysv: ["hypervkvpd", "hv-kvp-daemon", "hv_kvp_daemon"],
  },
  {
    name: "VirtualBox Guest Additions",
    packages: ["virtualbox-guest-utils", "virtualbox-guest-x11", "virtualbox-guest-additions"],
    files: ["/usr/sbin/VBoxService", "/usr/bin/VBoxService"],
    dirPrefixes: [{ dir: "/opt", prefix: "VBoxGuestAdditions-" }],
    units: ["vboxadd.service", "vboxadd-service.service", "virtualbox-guest-utils.service", "vboxservice.service"],
    sysv: ["vboxadd", "vboxadd-service", "virtualbox-guest-utils"],
    uninstall: "sudo /opt/VBoxGuestAdditions-*/uninstall.sh",
  },
  {
    name: "Xen guest utilities",
    packages: ["xe-guest-utilities", "xen-guest-agent"],
    rpm: { rhel: "xe-guest-utilities-latest" },
    files: ["/usr/sbin/xe-daemon", "/usr/sbin/xe-linux-distribution"],
    units: ["xe-linux-distribution.service", "xe-daemon.service", "xen-guest-agent.service"],
    sysv: ["xe-linux-distribution"],
  },
];

async function installedEvidence(context: GuestContext, tools: GuestTools): Promise<{ path: string; packages: string[] } | null> {
  const packages = tools.packages.filter((p) => context.packages.installed(p) === true);
  const rpm = context.packages.manager === "rpm" && (context.family === "rhel" || context.family === "suse") ? tools.rpm?.[context.family] : undefined;
  for (const path of tools.files) if ((await context.guest.stat(path))?.type === "file") return { path, packages: rpm ? [rpm] : packages };
  for (const { dir, prefix } of tools.dirPrefixes ?? []) {
    const match = ((await context.guest.readdir(dir)) ?? []).find((e) => e.name.startsWith(prefix));
    if (match) return { path: `${dir}/${match.name}`, packages };
  }
  return packages.length > 0 ? { path: context.packages.source ?? packages[0], packages } : null;
}

export const otherHypervisorTools: CheckDefinition = {
  id: "tools.other-hypervisors",
  severity: "warn",
  linuxOnly: true,
  async run(context) {
    const active: { tools: GuestTools; path: string; packages: string[]; units: string[] }[] = [];
    const dormant: string[] = [];
    for (const tools of TOOLS) {
      const installed = await installedEvidence(context, tools);
      if (!installed) continue;
      const enablement = await context.services.enablement(tools.units, tools.sysv);
      if (!enablement.enabled) {
        dormant.push(tools.name);
        continue;
      }
      const units: string[] = [];
      for (const unit of tools.units) if (await context.services.unitFile(unit)) units.push(unit);
      active.push({ tools, path: enablement.evidence ?? installed.path, packages: installed.packages, units });
    }
    const note = dormant.length > 0 ? ` Installed but not enabled: ${dormant.join(", ")}.` : "";
    if (active.length === 0) return outcome("pass", `No guest tools of another hypervisor start at boot.${note}`);
    const fixes = active.map(({ tools, packages, units }) =>
      packages.length > 0
        ? context.remove(packages)
        : (tools.uninstall ?? `sudo systemctl disable ${(units.length > 0 ? units : tools.units.slice(0, 1)).join(" ")}`),
    );
    return outcome(
      "warn",
      `Guest tools of another hypervisor start at boot (${active.map((a) => `${a.tools.name}: ${a.path}`).join("; ")}): on KVM they are useless at best and slow the boot or log errors.${note}`,
      {
        path: active[0].path,
        fix: [...new Set(fixes)].join(" && "),
      },
    );
  },
};

const AGENT_FILES = ["/usr/bin/qemu-ga", "/usr/sbin/qemu-ga", "/usr/libexec/qemu-ga", "/usr/local/bin/qemu-ga"];

export const qemuGuestAgent: CheckDefinition = {
  id: "guest.qemu-guest-agent",
  severity: "warn",
  linuxOnly: true,
  async run(context) {
    for (const path of AGENT_FILES) {
      if ((await context.guest.stat(path))?.type === "file")
        return outcome("pass", `The QEMU guest agent is installed (${path}): the cloud can freeze file systems for snapshots and read the guest's addresses.`, {
          path,
        });
    }
    if (context.packages.installed("qemu-guest-agent") === true) {
      return outcome("pass", "The QEMU guest agent package is installed.", { path: context.packages.source });
    }
    return outcome(
      "warn",
      "The QEMU guest agent is not installed: it is optional, but without it the cloud cannot quiesce file systems for consistent snapshots or report the guest's IP addresses.",
      {
        // Where the distribution's package would put it: Debian and Ubuntu in sbin, the others in bin.
        path: context.family === "debian" ? "/usr/sbin/qemu-ga" : "/usr/bin/qemu-ga",
        fix: context.install(["qemu-guest-agent"]),
      },
    );
  },
};
