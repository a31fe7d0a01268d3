import type { WindowsCheckDefinition, WindowsContext } from "../context";
import { injectDriver, virtioWinFolder } from "../fixes";
import { defineOutcomes } from "../../../codes";
import { registryPath, windowsPath } from "../paths";
import { SERVICE_TYPE, START, startWords, type WindowsService } from "../services";

export const VIRTIO_DISK = defineOutcomes("virtio.disk", {
  "windows.virtio_disk_boot_start": {
    status: "pass",
    message: "{driver} ({description}) is a boot-start kernel driver in {controlSet}, and {file} is on the volume.",
  },
  "windows.viostor_missing": {
    status: "fail",
    message: [
      "Neither viostor nor vioscsi is installed in {controlSet}: on a virtio disk Windows cannot read its own system disk and stops with",
      "INACCESSIBLE_BOOT_DEVICE (0x7B).",
    ],
  },
  "windows.viostor_staged_only": {
    status: "fail",
    message: [
      "Neither viostor nor vioscsi is installed in {controlSet}: on a virtio disk Windows cannot read its own system disk and stops with",
      "INACCESSIBLE_BOOT_DEVICE (0x7B). viostor's driver package is in the driver store ({package}), but Windows installs a staged driver",
      "only for a device it can already reach; the system disk needs it registered as a boot-start service.",
    ],
  },
  "windows.virtio_disk_not_boot_start": {
    status: "fail",
    message: [
      "{driver} is installed but starts {start} as {kind} (Start={startValue}, Type={typeValue});",
      "the driver of the system disk must be a boot-start kernel driver (Start=0, Type=1), or Windows stops with INACCESSIBLE_BOOT_DEVICE (0x7B).",
    ],
    fix: 'On the source machine: reg add "HKLM\\SYSTEM\\CurrentControlSet\\Services\\{driver}" /v Start /t REG_DWORD /d 0 /f',
  },
  "windows.virtio_disk_file_missing": {
    status: "fail",
    message: [
      "{driver} is registered as a boot-start driver in {controlSet}, but its file {file} is not on the volume:",
      "Windows stops with INACCESSIBLE_BOOT_DEVICE (0x7B).",
    ],
  },
});

export const VIRTIO_NET = defineOutcomes("virtio.net", {
  "windows.netkvm_installed": { status: "pass", message: "netkvm (Red Hat VirtIO Ethernet Adapter) is installed in {controlSet} and {file} is on the volume." },
  "windows.netkvm_staged": {
    status: "pass",
    message: "netkvm is in the driver store ({package}): Windows installs it when it first sees the virtio network card.",
  },
  "windows.netkvm_missing": {
    status: "fail",
    message: "netkvm (the virtio network driver) is neither installed in {controlSet} nor in the driver store: an instance has no network on a virtio NIC.",
  },
  "windows.netkvm_file_missing": {
    status: "fail",
    message: "netkvm is registered in {controlSet}, but its file {file} is not on the volume: an instance has no network on a virtio NIC.",
  },
  "windows.netkvm_disabled": {
    status: "fail",
    message: "netkvm is installed but disabled (Start=4): an instance has no network on a virtio NIC.",
    fix: 'On the source machine: reg add "HKLM\\SYSTEM\\CurrentControlSet\\Services\\netkvm" /v Start /t REG_DWORD /d 3 /f',
  },
});

const DISK_DRIVERS = [
  { name: "viostor", description: "Red Hat VirtIO SCSI controller, virtio-blk" },
  { name: "vioscsi", description: "Red Hat VirtIO SCSI pass-through controller, virtio-scsi" },
];
const REPOSITORY = "/Windows/System32/DriverStore/FileRepository";

/** The driver store package of an INF ("netkvm.inf_amd64_3c5d..."), as Windows stages it before a device needs it. */
async function staged(context: WindowsContext, inf: string): Promise<string | null> {
  const entries = (await context.guest.readdir(REPOSITORY)) ?? [];
  const found = entries.find((e) => e.type === "directory" && e.name.toLowerCase().startsWith(`${inf}_`));
  return found ? windowsPath(`${REPOSITORY}/${found.name}`) : null;
}

async function injectFix(context: WindowsContext, driver: string): Promise<string> {
  const folder = virtioWinFolder(await context.identity().catch(() => null), (await context.architecture())?.arch ?? null);
  return injectDriver(context.image, driver, folder);
}

const isBootStart = (s: WindowsService) => s.start === START.boot && s.type === SERVICE_TYPE.kernelDriver;

export const virtioDisk: WindowsCheckDefinition = {
  id: "virtio.disk",
  severity: "fail",
  outcomes: VIRTIO_DISK,
  async run(context) {
    const services = await context.services();
    const { controlSet } = services;
    const found = (await Promise.all(DISK_DRIVERS.map(async (d) => ({ ...d, service: await services.get(d.name) })))).filter((d) => d.service !== null);
    const ready = found.find((d) => d.service && isBootStart(d.service) && d.service.programPresent);
    if (ready?.service) {
      return VIRTIO_DISK["windows.virtio_disk_boot_start"](
        { driver: ready.service.name, description: ready.description, controlSet, file: ready.service.programWindows ?? "" },
        { path: ready.service.programWindows },
      );
    }
    const fix = await injectFix(context, "viostor");
    const registered = found[0]?.service;
    if (!registered) {
      const evidence = { path: registryPath("SYSTEM", `${controlSet}\\Services`), fix };
      const inStore = await staged(context, "viostor.inf");
      if (inStore) return VIRTIO_DISK["windows.viostor_staged_only"]({ controlSet, package: inStore }, evidence);
      return VIRTIO_DISK["windows.viostor_missing"]({ controlSet }, evidence);
    }
    if (!isBootStart(registered)) {
      return VIRTIO_DISK["windows.virtio_disk_not_boot_start"](
        {
          driver: registered.name,
          start: startWords(registered.start),
          kind: registered.type === SERVICE_TYPE.kernelDriver ? "a kernel driver" : `service type ${registered.type ?? "unknown"}`,
          startValue: registered.start ?? "missing",
          typeValue: registered.type ?? "missing",
        },
        { path: registered.key },
      );
    }
    return VIRTIO_DISK["windows.virtio_disk_file_missing"](
      { driver: registered.name, controlSet, file: registered.programWindows ?? `${registered.name}.sys` },
      { path: registered.programWindows ?? registered.key, fix },
    );
  },
};

export const virtioNet: WindowsCheckDefinition = {
  id: "virtio.net",
  severity: "fail",
  outcomes: VIRTIO_NET,
  async run(context) {
    const services = await context.services();
    const { controlSet } = services;
    const netkvm = await services.get("netkvm");
    if (netkvm?.start === START.disabled) return VIRTIO_NET["windows.netkvm_disabled"]({}, { path: netkvm.key });
    if (netkvm?.programPresent)
      return VIRTIO_NET["windows.netkvm_installed"]({ controlSet, file: netkvm.programWindows ?? "" }, { path: netkvm.programWindows });
    const inStore = await staged(context, "netkvm.inf");
    if (inStore && !netkvm) return VIRTIO_NET["windows.netkvm_staged"]({ package: inStore }, { path: inStore });
    const fix = await injectFix(context, "NetKVM");
    if (netkvm)
      return VIRTIO_NET["windows.netkvm_file_missing"](
        { controlSet, file: netkvm.programWindows ?? "netkvm.sys" },
        { path: netkvm.programWindows ?? netkvm.key, fix },
      );
    return VIRTIO_NET["windows.netkvm_missing"]({ controlSet }, { path: registryPath("SYSTEM", `${controlSet}\\Services`), fix });
  },
};
