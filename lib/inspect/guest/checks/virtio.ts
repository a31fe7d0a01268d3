import { DRIVERS, type DriverPresence, type DriverSpec } from "../kernel-drivers";
import type { InstalledKernel } from "../kernels";
import { outcome, type CheckDefinition, type GuestContext, type Outcome } from "../context";
import { scanInitramfs } from "../initramfs/scan";

const DISK_DRIVERS = [DRIVERS.virtio_blk, DRIVERS.virtio_scsi];

/** The package that brings a kernel with virtio drivers on each family. */
function kernelPackage(context: GuestContext): string {
  const arm = context.info.arch === "aarch64";
  switch (context.family) {
    case "debian":
      return context.os?.id === "ubuntu" ? "linux-image-virtual" : arm ? "linux-image-arm64" : "linux-image-amd64";
    case "rhel":
      return "kernel-core";
    case "suse":
      return "kernel-default";
    case "arch":
      return "linux";
    case "alpine":
      return "linux-virt";
    default:
      return "kernel";
  }
}

const describe = (driver: DriverSpec, presence: DriverPresence) =>
  presence.state === "builtin" ? `${driver.module} built in` : presence.state === "module" ? `${driver.module} as a module` : `no ${driver.module}`;

/** Kernels are sorted oldest first; the last is the one GRUB and systemd-boot boot by default. */
async function driverCheck(context: GuestContext, drivers: DriverSpec[], what: string, consequence: string): Promise<Outcome> {
  const { kernels } = context;
  if (kernels.length === 0) {
    return outcome("fail", `No kernel is installed (nothing in /boot/vmlinuz-* or /lib/modules), so the guest cannot boot and has no ${what}.`, {
      path: "/boot",
      fix: context.install([kernelPackage(context)]),
    });
  }
  const results = await Promise.all(
    kernels.map(async (kernel) => {
      const found = await Promise.all(drivers.map(async (driver) => ({ driver, presence: await context.drivers(kernel).presence(driver) })));
      return { kernel, found, ok: found.some((f) => f.presence.state !== "missing") };
    }),
  );
  const main = results[results.length - 1];
  const summary = (r: (typeof results)[number]) => `${r.kernel.version}: ${r.found.map((f) => describe(f.driver, f.presence)).join(", ")}`;
  const evidence = (r: (typeof results)[number]) => r.found.find((f) => f.presence.state !== "missing")?.presence.evidence ?? r.found[0].presence.evidence;
  if (!results.some((r) => r.ok)) {
    return outcome(
      "fail",
      `No installed kernel has a virtio ${what} driver (${drivers.map((d) => d.module).join(" or ")}): ${consequence}. ${results.map(summary).join("; ")}.`,
      {
        path: evidence(main),
        fix: context.install([kernelPackage(context)]),
      },
    );
  }
  const others = results.filter((r) => r !== main && !r.ok);
  if (!main.ok) {
    return outcome(
      "warn",
      `The default kernel ${main.kernel.version} has no virtio ${what} driver, though an older one does. ${results.map(summary).join("; ")}.`,
      {
        path: evidence(main),
        fix: context.install([kernelPackage(context)]),
      },
    );
  }
  const note = others.length > 0 ? ` Older kernels without it: ${others.map((r) => r.kernel.version).join(", ")}.` : "";
  return outcome(
    "pass",
    `${results
      .filter((r) => r.ok)
      .map(summary)
      .join("; ")}.${note}`,
    { path: evidence(main) },
  );
}

export const virtioDisk: CheckDefinition = {
  id: "virtio.disk",
  severity: "fail",
  linuxOnly: true,
  run: (context) => driverCheck(context, DISK_DRIVERS, "disk", "the guest will not find its disk on a virtio controller"),
};

export const virtioNet: CheckDefinition = {
  id: "virtio.net",
  severity: "fail",
  linuxOnly: true,
  run: (context) => driverCheck(context, [DRIVERS.virtio_net], "network", "the guest will have no network on a virtio NIC"),
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

type KernelVerdict = { status: "pass" | "warn" | "fail" | "skip"; text: string; path?: string; missing?: string[] };

async function initramfsVerdict(context: GuestContext, kernel: InstalledKernel): Promise<KernelVerdict> {
  const drivers = context.drivers(kernel);
  const disk = await Promise.all(DISK_DRIVERS.map(async (driver) => ({ driver, presence: await drivers.presence(driver) })));
  const builtin = disk.find((d) => d.presence.state === "builtin");
  if (builtin)
    return { status: "pass", text: `${kernel.version}: ${builtin.driver.module} is built into the kernel`, path: builtin.presence.evidence ?? undefined };
  const modules = disk.filter((d) => d.presence.state === "module").map((d) => d.driver.module);
  if (modules.length === 0)
    return { status: "skip", text: `${kernel.version}: no virtio disk driver at all`, path: kernel.modulesDir ?? kernel.image ?? "/boot" };
  // virtio_pci carries every virtio device; when it is a module it must be in the initramfs too.
  const pci = await drivers.presence(DRIVERS.virtio_pci);
  const needsPci = pci.state === "module";
  const wanted = new Set([...modules, ...(needsPci ? [DRIVERS.virtio_pci.module] : [])]);
  const enough = (found: ReadonlySet<string>) => modules.some((m) => found.has(m)) && (!needsPci || found.has(DRIVERS.virtio_pci.module));
  for (const path of initramfsCandidates(kernel)) {
    const file = await context.guest.open(path);
    if (!file) continue;
    const scan = await scanInitramfs(file, wanted, enough);
    const packed = scan.compression.length > 0 ? ` (${scan.compression.join(" + ")})` : "";
    if (enough(scan.found)) return { status: "pass", text: `${kernel.version}: ${[...scan.found].sort().join(", ")} in ${path}${packed}`, path };
    if (!scan.complete) return { status: "warn", text: `${kernel.version}: could not read ${path} to the end: ${scan.problem}`, path };
    const missing = [...wanted].filter((m) => !scan.found.has(m));
    return { status: "fail", text: `${kernel.version}: ${path}${packed} lacks ${missing.join(" and ")}`, path, missing: [...wanted] };
  }
  return {
    status: "warn",
    text: `${kernel.version}: ${modules.join(" and ")} ${modules.length > 1 ? "are modules" : "is a module"}, but no initramfs was found (${initramfsCandidates(kernel).slice(0, 3).join(", ")})`,
    path: `/boot`,
  };
}

const RANK = { pass: 0, skip: 1, warn: 2, fail: 3 } as const;

/** The command that rebuilds the initramfs with the virtio drivers, for the generator the guest uses. */
async function rebuildFix(context: GuestContext, modules: string[], kernel: InstalledKernel): Promise<string> {
  const list = modules.join(" ");
  const { guest } = context;
  if ((await guest.stat("/etc/mkinitfs/mkinitfs.conf")) !== null) {
    // Alpine's mkinitfs adds modules by feature; its "virtio" feature carries virtio_blk, virtio_scsi and virtio_pci.
    return `doas sed -i 's/^features="/features="virtio /' /etc/mkinitfs/mkinitfs.conf && doas mkinitfs ${kernel.version}`;
  }
  if ((await guest.stat("/etc/initramfs-tools"))?.type === "directory") {
    return `printf '%s\\n' ${list} | sudo tee -a /etc/initramfs-tools/modules && sudo update-initramfs -u -k all`;
  }
  if ((await guest.stat("/etc/mkinitcpio.conf")) !== null) {
    return `sudo sed -i 's/^MODULES=(/MODULES=(${list} /' /etc/mkinitcpio.conf && sudo mkinitcpio -P`;
  }
  return `echo 'add_drivers+=" ${list} "' | sudo tee /etc/dracut.conf.d/virtio.conf && sudo dracut -f --regenerate-all`;
}

export const virtioInitramfs: CheckDefinition = {
  id: "virtio.initramfs",
  severity: "fail",
  linuxOnly: true,
  async run(context) {
    if (context.kernels.length === 0) return outcome("skip", "No kernel is installed, so there is no initramfs to look at (see virtio.disk).");
    const verdicts = await Promise.all(context.kernels.map((kernel) => initramfsVerdict(context, kernel)));
    const main = verdicts[verdicts.length - 1];
    const worstOther = verdicts.slice(0, -1).reduce((worst, v) => Math.max(worst, RANK[v.status]), 0);
    const details = verdicts.map((v) => v.text).join("; ");
    if (verdicts.every((v) => v.status === "skip")) return outcome("skip", `No virtio disk driver to look for (see virtio.disk). ${details}.`);
    if (main.status === "fail") {
      return outcome(
        "fail",
        `The initramfs of the default kernel lacks the virtio disk driver, so the root file system cannot be mounted from a virtio disk. ${details}.`,
        {
          path: main.path,
          fix: await rebuildFix(context, main.missing ?? ["virtio_blk", "virtio_scsi", "virtio_pci"], context.kernels[context.kernels.length - 1]),
        },
      );
    }
    if (main.status !== "pass" || worstOther >= RANK.warn) {
      // Rebuilding with the drivers named is the fix whether an initramfs lacks them, was not found, or could not be read.
      const culprit = verdicts.find((v) => v.status === "fail") ?? verdicts.find((v) => v.status === "warn") ?? main;
      return outcome("warn", `Hangar could not confirm the virtio disk driver in every initramfs. ${details}.`, {
        path: culprit.path,
        fix: await rebuildFix(context, culprit.missing ?? ["virtio_blk", "virtio_pci"], context.kernels[verdicts.indexOf(culprit)]),
      });
    }
    return outcome("pass", `${details}.`, { path: main.path });
  },
};
