import { defineOutcomes } from "../../codes";
import type { CheckDefinition, GuestContext } from "../context";
import type { DistroFamily } from "../families";
import { startedProgram } from "../programs";

interface GuestTools {
  name: string;
  /** Distribution packages that carry them (dpkg, apk, pacman names). */
  packages: string[];
  /** The package on RPM distributions, whose database Hangar does not read: named when the files are there. */
  rpm?: Partial<Record<DistroFamily, string>>;
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

/** The program names the tools run (vmtoolsd, VBoxService...), to tell what a unit or init script starts. */
const programNames = (tools: GuestTools) => [...new Set(tools.files.map((path) => path.slice(path.lastIndexOf("/") + 1)))];

/** The tools' files on the disk, with the packages a fix removes; a package database entry without the files starts nothing. */
async function installedEvidence(context: GuestContext, tools: GuestTools): Promise<{ path: string; packages: string[] } | null> {
  const packages = tools.packages.filter((p) => context.packages.installed(p) === true);
  const rpm = context.packages.manager === "rpm" ? tools.rpm?.[context.family.name] : undefined;
  for (const path of tools.files) if ((await context.guest.stat(path))?.type === "file") return { path, packages: rpm ? [rpm] : packages };
  for (const { dir, prefix } of tools.dirPrefixes ?? []) {
    const match = ((await context.guest.readdir(dir)) ?? []).find((e) => e.name.startsWith(prefix));
    if (match) return { path: `${dir}/${match.name}`, packages };
  }
  return null;
}

const TOOLS_OUTCOMES = defineOutcomes("tools.other-hypervisors", {
  none_started: { status: "pass", message: "No guest tools of another hypervisor start at boot." },
  installed_not_started: { status: "pass", message: "No guest tools of another hypervisor start at boot; installed but not started: {tools}." },
  started: {
    status: "warn",
    message: "Guest tools of another hypervisor start at boot ({tools}): on KVM they are useless at best and slow the boot or log errors.",
  },
});

export const otherHypervisorTools: CheckDefinition = {
  id: "tools.other-hypervisors",
  severity: "warn",
  outcomes: TOOLS_OUTCOMES,
  async run(context) {
    const active: { tools: GuestTools; path: string; packages: string[]; units: string[] }[] = [];
    const dormant: string[] = [];
    for (const tools of TOOLS) {
      const installed = await installedEvidence(context, tools);
      if (!installed) continue;
      const enablement = await context.services.enablement(tools.units, tools.sysv);
      // What the start link runs must be there, or nothing starts.
      const program = enablement.starts ? await startedProgram(context.guest, enablement.starts, programNames(tools)) : null;
      if (!enablement.enabled || !enablement.starts || program?.found === false) {
        dormant.push(tools.name);
        continue;
      }
      const units: string[] = [];
      for (const unit of tools.units) if (await context.services.unitFile(unit)) units.push(unit);
      active.push({ tools, path: enablement.evidence ?? installed.path, packages: installed.packages, units });
    }
    if (active.length === 0) return dormant.length > 0 ? TOOLS_OUTCOMES.installed_not_started({ tools: dormant.join(", ") }) : TOOLS_OUTCOMES.none_started();
    const fixes = active.map(({ tools, packages, units }) =>
      packages.length > 0
        ? context.remove(packages)
        : (tools.uninstall ?? `sudo systemctl disable ${(units.length > 0 ? units : tools.units.slice(0, 1)).join(" ")}`),
    );
    const started = active.map((a) => `${a.tools.name}: ${a.path}`).join("; ");
    return TOOLS_OUTCOMES.started({ tools: started }, { path: active[0].path, fix: [...new Set(fixes)].join(" && ") });
  },
};

const AGENT_FILES = ["/usr/bin/qemu-ga", "/usr/sbin/qemu-ga", "/usr/libexec/qemu-ga", "/usr/local/bin/qemu-ga"];

const AGENT = defineOutcomes("guest.qemu-guest-agent", {
  agent: {
    status: "pass",
    message: "The QEMU guest agent is installed ({program}): the cloud can freeze file systems for snapshots and read the guest's addresses.",
  },
  agent_program_missing: {
    status: "warn",
    message: "{source} lists the QEMU guest agent as installed, but its program is missing: the package's files were deleted.",
  },
  agent_missing: {
    status: "warn",
    message: [
      "The QEMU guest agent is not installed: it is optional, but without it the cloud cannot quiesce file systems for consistent snapshots",
      "or report the guest's IP addresses.",
    ],
  },
});

export const qemuGuestAgent: CheckDefinition = {
  id: "guest.qemu-guest-agent",
  severity: "warn",
  outcomes: AGENT,
  async run(context) {
    for (const path of AGENT_FILES) if ((await context.guest.stat(path))?.type === "file") return AGENT.agent({ program: path }, { path });
    // Where the family's package would put it.
    const path = context.family.agentPath;
    if (context.packages.installed("qemu-guest-agent") === true) {
      const fix = context.family.reinstall(["qemu-guest-agent"], context.os, context.image);
      return AGENT.agent_program_missing({ source: context.packages.source ?? "The package database" }, { path, fix });
    }
    return AGENT.agent_missing({}, { path, fix: context.install(["qemu-guest-agent"]) });
  },
};
