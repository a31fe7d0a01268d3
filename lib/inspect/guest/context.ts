import type { Codecs } from "../codecs";
import type { CodeTable, Outcome } from "../codes";
import type { GuestFs } from "../fs/guest-fs";
import type { CheckStatus, GuestInfo } from "../report";
import type { BootLoaders } from "./boot-loaders";
import { familyOf, type Family } from "./families";
import { KernelDrivers } from "./kernel-drivers";
import type { InstalledKernel } from "./kernels";
import type { OsIdentity } from "./os-release";
import type { InstalledPackages } from "./packages";
import type { GuestServices } from "./services";

/** What the cloud's configuration changes in the checks: the catalog passes it from the admin's settings. */
export interface GuestPolicy {
  /**
   * The cloud boots instances with a kernel and initramfs of its own choosing (direct kernel boot),
   * so a disk without a boot loader still starts: boot.loader warns instead of failing. Default off.
   */
  directKernelBoot: boolean;
}

export const DEFAULT_GUEST_POLICY: GuestPolicy = { directKernelBoot: false };

/** Everything a check may look at, read once and shared by all checks. */
export interface GuestContext {
  guest: GuestFs;
  info: GuestInfo;
  os: OsIdentity | null;
  family: Family;
  kernels: InstalledKernel[];
  packages: InstalledPackages;
  services: GuestServices;
  /** The boot loaders found on the disk: BIOS boot code and what it loads, UEFI loaders on an EFI system partition. */
  loaders: BootLoaders;
  policy: GuestPolicy;
  /** The decompressors (Node's native zlib on the server and the CLI; pure JavaScript in the browser when absent). */
  codecs?: Codecs;
  /** The image file name the host-side fixes (virt-sysprep, virt-customize) name. */
  image: string;
  /** Driver lookups per kernel, cached. */
  drivers(kernel: InstalledKernel): KernelDrivers;
  install(packages: string[]): string;
  remove(packages: string[]): string;
}

export function makeContext(fields: Omit<GuestContext, "family" | "drivers" | "install" | "remove">): GuestContext {
  const family = familyOf(fields.os);
  const cache = new Map<string, KernelDrivers>();
  return {
    ...fields,
    family,
    drivers(kernel) {
      let drivers = cache.get(kernel.version);
      if (!drivers) {
        drivers = new KernelDrivers(fields.guest, kernel);
        cache.set(kernel.version, drivers);
      }
      return drivers;
    },
    install: (packages) => family.install(packages, fields.os, fields.image),
    remove: (packages) => family.remove(packages, fields.os),
  };
}

/** A guest check: a Linux one runs on the GuestContext, a Windows one (guest/windows) on the WindowsContext. */
export interface CheckDefinition<Context = GuestContext> {
  id: string;
  /** The status a problem gets: the verdict is rejected only for "fail" checks. */
  severity: Extract<CheckStatus, "fail" | "warn">;
  /** Every outcome the check can give, with its code (defineOutcomes(id, ...)). */
  outcomes: CodeTable;
  run(context: Context): Promise<Outcome>;
}
