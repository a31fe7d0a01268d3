import { shellQuote } from "../../../commands";
import { defineOutcomes } from "../../../codes";
import type { WindowsCheckDefinition } from "../context";
import { registryPath } from "../paths";
import { START } from "../services";

export const AGENT = defineOutcomes("guest.qemu-guest-agent", {
  "windows.qemu_ga_installed": { status: "pass", message: "The QEMU guest agent (service {service}) starts at boot: {program}." },
  "windows.qemu_ga_missing": {
    status: "warn",
    message: [
      "The QEMU guest agent is not installed: the cloud cannot freeze the file system for consistent snapshots,",
      "read the instance's IP addresses or shut it down cleanly.",
    ],
    fix: [
      "virt-customize -a {image} --inject-qemu-ga /usr/share/virtio-win/virtio-win.iso  # or in the source machine:",
      "msiexec /i E:\\guest-agent\\qemu-ga-x86_64.msi /qn",
    ],
  },
  "windows.qemu_ga_disabled": {
    status: "warn",
    message: "The QEMU guest agent is installed but does not start at boot (Start={value}).",
    fix: "In the source machine: sc.exe config {service} start= auto",
  },
});

export const qemuGuestAgent: WindowsCheckDefinition = {
  id: "guest.qemu-guest-agent",
  severity: "warn",
  outcomes: AGENT,
  async run(context) {
    const services = await context.services();
    const service = (await services.get("QEMU-GA")) ?? (await services.get("qemu-ga"));
    if (!service?.programPresent) {
      return AGENT["windows.qemu_ga_missing"](
        { image: shellQuote(context.image) },
        { path: service?.programWindows ?? registryPath("SYSTEM", `${services.controlSet}\\Services\\QEMU-GA`) },
      );
    }
    if (service.start !== START.automatic)
      return AGENT["windows.qemu_ga_disabled"]({ service: service.name, value: service.start ?? "missing" }, { path: service.key });
    return AGENT["windows.qemu_ga_installed"]({ service: service.name, program: service.programWindows ?? "" }, { path: service.programWindows });
  },
};
