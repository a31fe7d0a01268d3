import type { GuestFs } from "../fs/guest-fs";
import type { InstalledKernel } from "./kernels";

export interface DriverSpec {
  /** Module name as modprobe knows it. */
  module: string;
  /** Kconfig symbol. */
  config: string;
  /** Where the module lives in the kernel tree, relative to the module directory. */
  dir: string;
}

export const DRIVERS = {
  virtio_blk: { module: "virtio_blk", config: "CONFIG_VIRTIO_BLK", dir: "kernel/drivers/block" },
  virtio_scsi: { module: "virtio_scsi", config: "CONFIG_SCSI_VIRTIO", dir: "kernel/drivers/scsi" },
  virtio_net: { module: "virtio_net", config: "CONFIG_VIRTIO_NET", dir: "kernel/drivers/net" },
  virtio_pci: { module: "virtio_pci", config: "CONFIG_VIRTIO_PCI", dir: "kernel/drivers/virtio" },
} satisfies Record<string, DriverSpec>;

export type DriverPresence = { state: "builtin"; evidence: string } | { state: "module"; evidence: string } | { state: "missing"; evidence: string | null };

/** Module file suffixes: plain, and compressed as kmod can load them. */
export const MODULE_SUFFIXES = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"];
const MAX_INDEX_FILE = 32 * 1024 * 1024;

/** "virtio-blk" and "virtio_blk" are the same module to modprobe. */
export const normalizeModuleName = (name: string) => name.replace(/-/g, "_");

/** The module name of a path such as "kernel/drivers/block/virtio_blk.ko.zst", or null. */
export function moduleNameOf(path: string): string | null {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const suffix = MODULE_SUFFIXES.find((s) => base.endsWith(s));
  return suffix ? normalizeModuleName(base.slice(0, -suffix.length)) : null;
}

/**
 * What one kernel's files say about its drivers: built in (modules.builtin,
 * or =y in its config), a module on disk (the usual path, else modules.dep),
 * or absent. The index files are read once per kernel.
 */
export class KernelDrivers {
  private builtin: Promise<Set<string> | null> | null = null;
  private dep: Promise<Map<string, string> | null> | null = null;
  private config: Promise<{ path: string; values: Map<string, string> } | null> | null = null;

  constructor(
    private readonly guest: GuestFs,
    readonly kernel: InstalledKernel,
  ) {}

  async presence(driver: DriverSpec): Promise<DriverPresence> {
    const dir = this.kernel.modulesDir;
    const builtin = await this.builtinModules();
    if (dir && builtin?.has(driver.module)) return { state: "builtin", evidence: `${dir}/modules.builtin` };
    const config = await this.kernelConfig();
    const configured = config?.values.get(driver.config);
    if (config && configured === "y") return { state: "builtin", evidence: config.path };
    if (dir) {
      for (const suffix of MODULE_SUFFIXES) {
        const path = `${dir}/${driver.dir}/${driver.module}${suffix}`;
        if ((await this.guest.stat(path))?.type === "file") return { state: "module", evidence: path };
      }
      const listed = (await this.moduleIndex())?.get(driver.module);
      if (listed && (await this.guest.stat(`${dir}/${listed}`))?.type === "file") return { state: "module", evidence: `${dir}/${listed}` };
      // A module directory without the file means the module is not installed, whatever the config says.
      return { state: "missing", evidence: config?.path ?? dir };
    }
    // No module tree at all: only the config can answer.
    if (config && configured === "m") return { state: "module", evidence: config.path };
    return { state: "missing", evidence: config?.path ?? null };
  }

  private builtinModules(): Promise<Set<string> | null> {
    this.builtin ??= (async () => {
      if (!this.kernel.modulesDir) return null;
      const text = await this.guest.readText(`${this.kernel.modulesDir}/modules.builtin`, MAX_INDEX_FILE);
      if (text === null) return null;
      const names = new Set<string>();
      for (const line of text.split("\n")) {
        const name = moduleNameOf(line.trim());
        if (name) names.add(name);
      }
      return names;
    })();
    return this.builtin;
  }

  /** modules.dep: "kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio.ko.xz ...". */
  private moduleIndex(): Promise<Map<string, string> | null> {
    this.dep ??= (async () => {
      if (!this.kernel.modulesDir) return null;
      const text = await this.guest.readText(`${this.kernel.modulesDir}/modules.dep`, MAX_INDEX_FILE);
      if (text === null) return null;
      const paths = new Map<string, string>();
      for (const line of text.split("\n")) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const path = line.slice(0, colon).trim();
        const name = moduleNameOf(path);
        // modules.dep paths are relative to the module directory; absolute ones are old-style and equally usable.
        if (name && !paths.has(name)) paths.set(name, path.replace(/^\/+lib\/modules\/[^/]+\//, ""));
      }
      return paths;
    })();
    return this.dep;
  }

  /** /boot/config-VERSION (config-virt on Alpine, named like its image), or the copy Fedora and RHEL keep in the module directory. */
  private kernelConfig(): Promise<{ path: string; values: Map<string, string> } | null> {
    this.config ??= (async () => {
      const { version, bootName } = this.kernel;
      const candidates = [`/boot/config-${version}`, ...(bootName && bootName !== version ? [`/boot/config-${bootName}`] : [])];
      if (this.kernel.modulesDir) candidates.push(`${this.kernel.modulesDir}/config`);
      for (const path of candidates) {
        const text = await this.guest.readText(path, MAX_INDEX_FILE);
        if (text === null) continue;
        const values = new Map<string, string>();
        for (const line of text.split("\n")) {
          const match = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
          if (match) values.set(match[1], match[2]);
        }
        return { path, values };
      }
      return null;
    })();
    return this.config;
  }
}
