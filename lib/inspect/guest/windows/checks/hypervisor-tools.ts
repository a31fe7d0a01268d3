import type { RegistryKey } from "../../../registry";
import { defineOutcomes } from "../../../codes";
import { registryPath } from "../paths";
import { START } from "../services";
import type { WindowsCheckDefinition, WindowsContext } from "../context";

export const OTHER_TOOLS = defineOutcomes("tools.other-hypervisors", {
  "windows.no_other_hypervisor_tools": {
    status: "pass",
    message: [
      "No VMware Tools, VirtualBox Guest Additions, Xen PV or Parallels Tools are installed (Hyper-V's integration services ship with Windows and are not",
      "counted).",
    ],
  },
  "windows.other_hypervisor_tools": {
    status: "warn",
    message: [
      "{tools} installed and enabled ({services}): on KVM their services fail at every boot and fill the event log,",
      "and their drivers wait for devices that are not there.",
    ],
    fix: "In the source machine, before capturing: {uninstall}",
  },
});

interface Vendor {
  name: string;
  /** Services and drivers the vendor's installer registers. */
  services: string[];
  /** A DisplayName in the Uninstall keys. */
  product: RegExp;
}

const VENDORS: Vendor[] = [
  {
    name: "VMware Tools",
    services: ["VMTools", "VGAuthService", "vmci", "vmhgfs", "vm3dmp", "vmmouse", "vmusbmouse", "vmrawdsk", "vmxnet3ndis6", "vmxnet", "pvscsi", "vmvss"],
    product: /^VMware Tools/i,
  },
  {
    name: "VirtualBox Guest Additions",
    services: ["VBoxService", "VBoxGuest", "VBoxMouse", "VBoxSF", "VBoxWddm", "VBoxVideo"],
    product: /VirtualBox Guest Additions/i,
  },
  {
    name: "Xen PV drivers",
    services: ["xenbus", "xenvbd", "xennet", "xeniface", "xenvif", "xenfilt", "xenagent", "XenSvc"],
    product: /Xen|Citrix VM Tools|AWS PV Drivers/i,
  },
  { name: "Parallels Tools", services: ["prl_tg", "prl_fs", "prl_net", "prl_tools_service"], product: /^Parallels Tools/i },
];

const UNINSTALL = "Microsoft\\Windows\\CurrentVersion\\Uninstall";

/** The uninstall command the vendor's installer registered (MsiExec.exe /X{...}), made silent. */
async function uninstallCommand(uninstall: RegistryKey[], vendor: Vendor): Promise<string | null> {
  for (const key of uninstall) {
    const name = await key.string("DisplayName");
    if (!name || !vendor.product.test(name)) continue;
    const command = await key.string("UninstallString");
    if (command) return /msiexec/i.test(command) ? `${command.replace(/\/I\{/i, "/X{")} /qn` : command;
  }
  return null;
}

async function uninstallKeys(context: WindowsContext): Promise<RegistryKey[]> {
  const key = await (await context.hive("SOFTWARE")).key(UNINSTALL);
  return key ? (await key.subkeys()).slice(0, 2000) : [];
}

export const otherHypervisorTools: WindowsCheckDefinition = {
  id: "tools.other-hypervisors",
  severity: "warn",
  outcomes: OTHER_TOOLS,
  async run(context) {
    const services = await context.services();
    const found: { vendor: Vendor; services: string[]; path: string }[] = [];
    for (const vendor of VENDORS) {
      const active: string[] = [];
      let path = "";
      for (const name of vendor.services) {
        const service = await services.get(name);
        // Installed (its file is there) and enabled: a leftover key with no file, or a disabled one, does nothing.
        if (!service?.programPresent || service.start === START.disabled) continue;
        active.push(service.name);
        path ||= service.key;
      }
      if (active.length > 0) found.push({ vendor, services: active, path });
    }
    if (found.length === 0) return OTHER_TOOLS["windows.no_other_hypervisor_tools"]({}, { path: registryPath("SYSTEM", `${services.controlSet}\\Services`) });
    const uninstall = await uninstallKeys(context).catch(() => []);
    const commands: string[] = [];
    for (const { vendor } of found) commands.push((await uninstallCommand(uninstall, vendor)) ?? `uninstall ${vendor.name} (Settings > Apps)`);
    return OTHER_TOOLS["windows.other_hypervisor_tools"](
      {
        tools: `${found.map((f) => f.vendor.name).join(" and ")} ${found.length === 1 ? "is" : "are"}`,
        services: found.flatMap((f) => f.services).join(", "),
        uninstall: commands.join(" & "),
      },
      { path: found[0].path },
    );
  },
};
