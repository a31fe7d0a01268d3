import { defineOutcomes, fill, type Outcome } from "../../codes";
import type { CheckDefinition, GuestContext } from "../context";
import { initramfsBuilder } from "../families/initramfs";
import { scanInitramfs } from "../initramfs/scan";
import { DRIVERS, type DriverPresence, type DriverSpec } from "../kernel-drivers";
import type { InstalledKernel } from "../kernels";

const DISK_DRIVERS = [DRIVERS.virtio_blk, DRIVERS.virtio_scsi];

const describe = (driver: DriverSpec, presence: DriverPresence) =>
  presence.state === "builtin" ? `${driver.module} built in` : presence.state === "module" ? `${driver.module} as a module` : `no ${driver.module}`;

const DISK = defineOutcomes("virtio.disk", {
  disk_driver: { status: "pass", message: "{kernels}." },
  disk_no_kernel: {
    status: "fail",
    message: "No kernel is installed (nothing in /boot/vmlinuz-* or /lib/modules), so the guest cannot boot and has no virtio disk driver.",
  },
  disk_driver_missing: {
    status: "fail",
    message: "No installed kernel has a virtio disk driver (virtio_blk or virtio_scsi): the guest will not find its disk on a virtio controller. {kernels}.",
  },
  disk_driver_only_older: { status: "warn", message: "The default kernel {kernel} has no virtio disk driver, though an older one does. {kernels}." },
});

const NET = defineOutcomes("virtio.net", {
  net_driver: { status: "pass", message: "{kernels}." },
  net_no_kernel: {
    status: "fail",
    message: "No kernel is installed (nothing in /boot/vmlinuz-* or /lib/modules), so the guest cannot boot and has no virtio network driver.",
  },
  net_driver_missing: {
    status: "fail",
    message: "No installed kernel has a virtio network driver (virtio_net): the guest will have no network on a virtio NIC. {kernels}.",
  },
  net_driver_only_older: { status: "warn", message: "The default kernel {kernel} has no virtio network driver, though an older one does. {kernels}." },
});

/** One driver check's outcomes, whichever check it is. */
interface DriverOutcomes {
  found: typeof DISK.disk_driver;
  noKernel: typeof DISK.disk_no_kernel;
  missing: typeof DISK.disk_driver_missing;
  onlyOlder: typeof DISK.disk_driver_only_older;
}

/** Kernels are sorted oldest first; the last is the one GRUB and systemd-boot boot by default. */
async function driverCheck(context: GuestContext, drivers: DriverSpec[], say: DriverOutcomes): Promise<Outcome> {
  const { kernels } = context;
  const fix = context.install([context.family.kernelPackage(context.os, context.info.arch)]);
  if (kernels.length === 0) return say.noKernel({}, { path: "/boot", fix });
  const results = await Promise.all(
    kernels.map(async (kernel) => {
      const found = await Promise.all(drivers.map(async (driver) => ({ driver, presence: await context.drivers(kernel).presence(driver) })));
      return { kernel, found, ok: found.some((f) => f.presence.state !== "missing") };
    }),
  );
  const main = results[results.length - 1];
  const summary = results.map((r) => `${r.kernel.version}: ${r.found.map((f) => describe(f.driver, f.presence)).join(", ")}`).join("; ");
  const evidence = (r: (typeof results)[number]) => r.found.find((f) => f.presence.state !== "missing")?.presence.evidence ?? r.found[0].presence.evidence;
  if (!results.some((r) => r.ok)) return say.missing({ kernels: summary }, { path: evidence(main), fix });
  if (!main.ok) return say.onlyOlder({ kernel: main.kernel.version, kernels: summary }, { path: evidence(main), fix });
  return say.found({ kernels: summary }, { path: evidence(main) });
}

export const virtioDisk: CheckDefinition = {
  id: "virtio.disk",
  severity: "fail",
  outcomes: DISK,
  run: (context) =>
    driverCheck(context, DISK_DRIVERS, {
      found: DISK.disk_driver,
      noKernel: DISK.disk_no_kernel,
      missing: DISK.disk_driver_missing,
      onlyOlder: DISK.disk_driver_only_older,
    }),
};

export const virtioNet: CheckDefinition = {
  id: "virtio.net",
  severity: "fail",
  outcomes: NET,
  run: (context) =>
    driverCheck(context, [DRIVERS.virtio_net], {
      found: NET.net_driver,
      noKernel: NET.net_no_kernel,
      missing: NET.net_driver_missing,
      onlyOlder: NET.net_driver_only_older,
    }),
};

/**
 * Where each initramfs generator puts the image of `kernel`: named by its
 * release (initramfs-tools, dracut, SUSE), by its /boot name (mkinitcpio's
 * initramfs-linux.img, Alpine's initramfs-virt), or in its module directory (BLS).
 */
export function initramfsCandidates(kernel: InstalledKernel): string[] {
  const names = [kernel.version, ...(kernel.bootName && kernel.bootName !== kernel.version ? [kernel.bootName] : [])];
  const paths = names.flatMap((n) => [
    `/boot/initrd.img-${n}`,
    `/boot/initramfs-${n}.img`,
    `/boot/initrd-${n}`,
    `/boot/initrd-${n}.img`,
    `/boot/initramfs-${n}`,
  ]);
  if (kernel.modulesDir) paths.push(`${kernel.modulesDir}/initramfs.img`, `${kernel.modulesDir}/initrd`);
  return paths;
}

/** What each kernel contributes to the message of virtio.initramfs. */
const PER_KERNEL = {
  builtin: "{kernel}: {module} is built into the kernel",
  no_driver: "{kernel}: no virtio disk driver at all",
  found: "{kernel}: {modules} in {path}{packed}",
  unreadable: "{kernel}: could not read {path} to the end: {problem}",
  lacking: "{kernel}: {path}{packed} lacks {missing}",
  not_found: "{kernel}: {modules} {are} modules, but no initramfs was found ({candidates})",
} as const;

const INITRAMFS = defineOutcomes("virtio.initramfs", {
  initramfs_driver: { status: "pass", message: "{details}." },
  initramfs_no_kernel: { status: "skip", message: "No kernel is installed, so there is no initramfs to look at (see virtio.disk)." },
  initramfs_no_driver: { status: "skip", message: "No virtio disk driver to look for (see virtio.disk). {details}." },
  initramfs_driver_missing: {
    status: "fail",
    message: "The initramfs of the default kernel lacks the virtio disk driver, so the root file system cannot be mounted from a virtio disk. {details}.",
  },
  initramfs_unconfirmed: { status: "warn", message: "Hangar could not confirm the virtio disk driver in every initramfs. {details}." },
});

type KernelVerdict = { status: "pass" | "warn" | "fail" | "skip"; text: string; path?: string; missing?: string[] };

async function initramfsVerdict(context: GuestContext, kernel: InstalledKernel): Promise<KernelVerdict> {
  const drivers = context.drivers(kernel);
  const disk = await Promise.all(DISK_DRIVERS.map(async (driver) => ({ driver, presence: await drivers.presence(driver) })));
  const builtin = disk.find((d) => d.presence.state === "builtin");
  const k = kernel.version;
  if (builtin)
    return { status: "pass", text: fill(PER_KERNEL.builtin, { kernel: k, module: builtin.driver.module }), path: builtin.presence.evidence ?? undefined };
  const modules = disk.filter((d) => d.presence.state === "module").map((d) => d.driver.module);
  if (modules.length === 0) return { status: "skip", text: fill(PER_KERNEL.no_driver, { kernel: k }), path: kernel.modulesDir ?? kernel.image ?? "/boot" };
  // virtio_pci carries every virtio device; when it is a module it must be in the initramfs too.
  const pci = await drivers.presence(DRIVERS.virtio_pci);
  const needsPci = pci.state === "module";
  const wanted = new Set([...modules, ...(needsPci ? [DRIVERS.virtio_pci.module] : [])]);
  const enough = (found: ReadonlySet<string>) => modules.some((m) => found.has(m)) && (!needsPci || found.has(DRIVERS.virtio_pci.module));
  for (const path of initramfsCandidates(kernel)) {
    const file = await context.guest.open(path);
    if (!file) continue;
    const scan = await scanInitramfs(file, wanted, enough, { codecs: context.codecs });
    const packed = scan.compression.length > 0 ? ` (${scan.compression.join(" + ")})` : "";
    if (enough(scan.found))
      return { status: "pass", text: fill(PER_KERNEL.found, { kernel: k, modules: [...scan.found].sort().join(", "), path, packed }), path };
    if (!scan.complete) return { status: "warn", text: fill(PER_KERNEL.unreadable, { kernel: k, path, problem: scan.problem ?? "" }), path };
    const missing = [...wanted].filter((m) => !scan.found.has(m));
    return { status: "fail", text: fill(PER_KERNEL.lacking, { kernel: k, path, packed, missing: missing.join(" and ") }), path, missing: [...wanted] };
  }
  const candidates = initramfsCandidates(kernel).slice(0, 3).join(", ");
  const text = fill(PER_KERNEL.not_found, { kernel: k, modules: modules.join(" and "), are: modules.length > 1 ? "are" : "is a", candidates });
  return { status: "warn", text, path: "/boot" };
}

const RANK = { pass: 0, skip: 1, warn: 2, fail: 3 } as const;

/** The command that rebuilds the initramfs with the virtio drivers, with the builder the guest uses. */
async function rebuildFix(context: GuestContext, modules: string[], kernel: InstalledKernel): Promise<string> {
  return (await initramfsBuilder(context.guest, context.family.initramfs)).rebuild(modules, kernel);
}

export const virtioInitramfs: CheckDefinition = {
  id: "virtio.initramfs",
  severity: "fail",
  outcomes: INITRAMFS,
  async run(context) {
    if (context.kernels.length === 0) return INITRAMFS.initramfs_no_kernel();
    const verdicts = await Promise.all(context.kernels.map((kernel) => initramfsVerdict(context, kernel)));
    const main = verdicts[verdicts.length - 1];
    const worstOther = verdicts.slice(0, -1).reduce((worst, v) => Math.max(worst, RANK[v.status]), 0);
    const details = verdicts.map((v) => v.text).join("; ");
    if (verdicts.every((v) => v.status === "skip")) return INITRAMFS.initramfs_no_driver({ details });
    if (main.status === "fail") {
      const fix = await rebuildFix(context, main.missing ?? ["virtio_blk", "virtio_scsi", "virtio_pci"], context.kernels[context.kernels.length - 1]);
      return INITRAMFS.initramfs_driver_missing({ details }, { path: main.path, fix });
    }
    if (main.status !== "pass" || worstOther >= RANK.warn) {
      // Rebuilding with the drivers named is the fix whether an initramfs lacks them, was not found, or could not be read.
      const culprit = verdicts.find((v) => v.status === "fail") ?? verdicts.find((v) => v.status === "warn") ?? main;
      const fix = await rebuildFix(context, culprit.missing ?? ["virtio_blk", "virtio_pci"], context.kernels[verdicts.indexOf(culprit)]);
      return INITRAMFS.initramfs_unconfirmed({ details }, { path: culprit.path, fix });
    }
    return INITRAMFS.initramfs_driver({ details }, { path: main.path });
  },
};
