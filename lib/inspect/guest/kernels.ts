import { u16le } from "../binary";
import { isInspectError } from "../errors";
import type { GuestFs } from "../fs/guest-fs";
import { compareVersions } from "./version-order";

export interface InstalledKernel {
  /** The release uname -r prints, e.g. "6.1.0-18-amd64" or "5.14.0-362.8.1.el9_3.x86_64". */
  version: string;
  /** Its module directory as a canonical guest path, or null when none is installed. */
  modulesDir: string | null;
  /** The kernel image, or null when only the modules are there. */
  image: string | null;
  /**
   * The name /boot files this kernel by: what follows the prefix of its /boot
   * image ("linux" for Arch's vmlinuz-linux, "virt" for Alpine's vmlinuz-virt,
   * the version itself elsewhere), which its initramfs and config share; null
   * without a /boot image.
   */
  bootName: string | null;
}

/** Where distributions keep module trees: /lib/modules, or /usr/lib/modules after usrmerge (the first is often a link to the second). */
const MODULE_ROOTS = ["/lib/modules", "/usr/lib/modules"];
/** Kernel image names in /boot: vmlinuz (x86, most), vmlinux (ppc64), Image (SUSE arm64), kernel (Gentoo). */
const IMAGE_PREFIXES = ["vmlinuz-", "vmlinux-", "Image-", "kernel-"];
/**
 * Copies of a kernel that are never booted themselves: SUSE's compressed
 * vmlinux-<v>.gz (for crash dumps), FIPS checksums (.hmac), signatures, and
 * Ubuntu's signed duplicate. Counting them would add a kernel named "<v>.gz".
 */
const NOT_BOOTABLE = /\.(gz|xz|zst|hmac|sig|asc|sha\d*|efi\.signed)$/;
/** Files that make a module directory a real kernel's rather than a leftover. */
const MODULE_TREE_MARKERS = ["modules.dep", "modules.builtin", "kernel", "vmlinuz"];
/** More kernels than any real guest has; a bound on hostile directories. */
const MAX_KERNELS = 64;
/** uname -r is at most 64 characters (__NEW_UTS_LEN). */
const MAX_RELEASE = 64;

/** RHEL's rescue entry (vmlinuz-0-rescue-<machine-id>) is a copy of a kernel, not a version. */
const isRescue = (name: string) => name.startsWith("0-rescue-");

interface BootImage {
  path: string;
  /** The file name after its prefix. */
  name: string;
}

interface ModuleTree {
  version: string;
  dir: string;
  /** The vmlinuz Fedora, bootc and Arch keep in the module directory. */
  image: string | null;
  /** Arch's pkgbase file: the name its /boot image carries ("linux", "linux-lts"). */
  pkgbase: string | null;
}

/**
 * The release an x86 bzImage announces in its setup header: "HdrS" at 0x202,
 * and at 0x20E a pointer (relative to 0x200) to "6.9.7-arch1-1 (builder@host) #1 SMP ...".
 * Two small reads; null for any other image (arm64 Image, vmlinux, test stubs).
 */
export async function embeddedRelease(guest: GuestFs, path: string): Promise<string | null> {
  try {
    const file = await guest.open(path);
    if (!file || file.size < 0x210) return null;
    const header = await file.read(0x200, 0x10);
    if (header.length < 0x10 || String.fromCharCode(...header.subarray(2, 6)) !== "HdrS") return null;
    const pointer = u16le(header, 0x0e);
    if (pointer === 0 || pointer + 0x200 >= file.size) return null;
    const bytes = await file.read(pointer + 0x200, MAX_RELEASE + 1);
    const end = bytes.findIndex((b) => b === 0 || b === 0x20);
    const release = new TextDecoder("latin1").decode(bytes.subarray(0, end < 0 ? bytes.length : end));
    return /^[0-9][A-Za-z0-9._+~-]*$/.test(release) && release.length <= MAX_RELEASE ? release : null;
  } catch (error) {
    // A damaged image is no reason to lose the other kernels: pair it by name instead.
    if (isInspectError(error)) return null;
    throw error;
  }
}

async function bootImages(guest: GuestFs): Promise<BootImage[]> {
  const images: BootImage[] = [];
  for (const file of (await guest.readdir("/boot")) ?? []) {
    if (file.type === "directory" || NOT_BOOTABLE.test(file.name)) continue;
    const prefix = IMAGE_PREFIXES.find((p) => file.name.startsWith(p));
    if (!prefix) continue;
    const name = file.name.slice(prefix.length);
    if (name === "" || isRescue(name)) continue;
    images.push({ path: `/boot/${file.name}`, name });
    if (images.length >= MAX_KERNELS) break;
  }
  return images;
}

async function moduleTrees(guest: GuestFs): Promise<ModuleTree[]> {
  const trees: ModuleTree[] = [];
  const seen = new Set<string>();
  for (const root of MODULE_ROOTS) {
    const canonical = await guest.realpath(root);
    if (!canonical || seen.has(canonical)) continue;
    seen.add(canonical);
    for (const dir of (await guest.readdir(canonical)) ?? []) {
      if (dir.type !== "directory" && dir.type !== "symlink") continue;
      if (trees.length >= MAX_KERNELS || trees.some((t) => t.version === dir.name)) continue;
      const path = `${canonical}/${dir.name}`;
      const contents = new Set(((await guest.readdir(path)) ?? []).map((e) => e.name));
      if (!MODULE_TREE_MARKERS.some((marker) => contents.has(marker))) continue;
      const pkgbase = contents.has("pkgbase") ? ((await guest.readText(`${path}/pkgbase`, 4096))?.trim() ?? null) : null;
      trees.push({ version: dir.name, dir: path, image: contents.has("vmlinuz") ? `${path}/vmlinuz` : null, pkgbase: pkgbase || null });
    }
  }
  return trees;
}

/**
 * The kernels installed in the guest, oldest first. A kernel is a module
 * tree (/lib/modules/<v> or /usr/lib/modules/<v>) joined with its /boot image
 * when there is one. An image is paired with a version by the release inside
 * it (bzImage header), else by its name (vmlinuz-<v>, or Arch's pkgbase),
 * else when exactly one image and one module tree are left. An image whose
 * release is unknown stands for a kernel of its own only when nothing else
 * does: "vmlinuz-linux" names a package, not a version.
 */
export async function findKernels(guest: GuestFs): Promise<InstalledKernel[]> {
  const kernels = new Map<string, InstalledKernel>();
  const pkgbases = new Map<string, string>();
  for (const tree of await moduleTrees(guest)) {
    kernels.set(tree.version, { version: tree.version, modulesDir: tree.dir, image: tree.image, bootName: null });
    if (tree.pkgbase) pkgbases.set(tree.pkgbase, tree.version);
  }

  const attach = (version: string, image: BootImage) => {
    let kernel = kernels.get(version);
    if (!kernel) {
      if (kernels.size >= MAX_KERNELS) return;
      kernel = { version, modulesDir: null, image: null, bootName: null };
      kernels.set(version, kernel);
    }
    // A second image of the same release (a copy) only wins when it is named by the release.
    if (kernel.bootName === null || (kernel.bootName !== version && image.name === version)) {
      kernel.image = image.path;
      kernel.bootName = image.name;
    }
  };

  const unpaired: BootImage[] = [];
  for (const image of await bootImages(guest)) {
    const version = (await embeddedRelease(guest, image.path)) ?? (kernels.has(image.name) ? image.name : pkgbases.get(image.name));
    if (version) attach(version, image);
    else unpaired.push(image);
  }
  const imageless = [...kernels.values()].filter((k) => k.bootName === null);
  if (unpaired.length === 1 && imageless.length === 1) attach(imageless[0].version, unpaired[0]);
  else if (kernels.size === 0) for (const image of unpaired) attach(image.name, image);

  return [...kernels.values()].sort((a, b) => compareVersions(a.version, b.version));
}
