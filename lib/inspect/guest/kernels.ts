import type { GuestFs } from "../fs/guest-fs";
import { compareVersions } from "./version-order";

export interface InstalledKernel {
  /** The release uname -r prints, e.g. "6.1.0-18-amd64" or "5.14.0-362.8.1.el9_3.x86_64". */
  version: string;
  /** Its module directory as a canonical guest path, or null when none is installed. */
  modulesDir: string | null;
  /** The kernel image, or null when only the modules are there. */
  image: string | null;
}

/** Where distributions keep module trees: /lib/modules, or /usr/lib/modules after usrmerge (the first is often a link to the second). */
const MODULE_ROOTS = ["/lib/modules", "/usr/lib/modules"];
/** Kernel image names in /boot: vmlinuz (x86, most), vmlinux (ppc64), Image (SUSE arm64), kernel (Gentoo). */
const IMAGE_PREFIXES = ["vmlinuz-", "vmlinux-", "Image-", "kernel-"];
/** Files that make a module directory a real kernel's rather than a leftover. */
const MODULE_TREE_MARKERS = ["modules.dep", "modules.builtin", "kernel", "vmlinuz"];
/** More kernels than any real guest has; a bound on hostile directories. */
const MAX_KERNELS = 64;

/** RHEL's rescue entry (vmlinuz-0-rescue-<machine-id>) is a copy of a kernel, not a version. */
const isRescue = (version: string) => version.startsWith("0-rescue-");

/**
 * The kernels installed in the guest, oldest first: every version with a
 * kernel image in /boot (or in its module directory, as Fedora and bootc
 * images keep it), plus module trees that are more than leftovers.
 */
export async function findKernels(guest: GuestFs): Promise<InstalledKernel[]> {
  const kernels = new Map<string, InstalledKernel>();
  const entry = (version: string): InstalledKernel | null => {
    const known = kernels.get(version);
    if (known) return known;
    if (kernels.size >= MAX_KERNELS || version === "" || isRescue(version)) return null;
    const kernel: InstalledKernel = { version, modulesDir: null, image: null };
    kernels.set(version, kernel);
    return kernel;
  };

  for (const file of (await guest.readdir("/boot")) ?? []) {
    if (file.type === "directory") continue;
    const prefix = IMAGE_PREFIXES.find((p) => file.name.startsWith(p));
    if (!prefix) continue;
    const kernel = entry(file.name.slice(prefix.length));
    if (kernel && !kernel.image) kernel.image = `/boot/${file.name}`;
  }

  const seen = new Set<string>();
  for (const root of MODULE_ROOTS) {
    const canonical = await guest.realpath(root);
    if (!canonical || seen.has(canonical)) continue;
    seen.add(canonical);
    for (const dir of (await guest.readdir(canonical)) ?? []) {
      if (dir.type !== "directory" && dir.type !== "symlink") continue;
      const path = `${canonical}/${dir.name}`;
      const contents = new Set(((await guest.readdir(path)) ?? []).map((e) => e.name));
      if (!MODULE_TREE_MARKERS.some((marker) => contents.has(marker))) continue;
      const kernel = entry(dir.name);
      if (!kernel) continue;
      kernel.modulesDir ??= path;
      if (!kernel.image && contents.has("vmlinuz")) kernel.image = `${path}/vmlinuz`;
    }
  }
  return [...kernels.values()].sort((a, b) => compareVersions(a.version, b.version));
}
