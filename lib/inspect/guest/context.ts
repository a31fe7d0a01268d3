import type { GuestFs } from "../fs/guest-fs";
import type { Check, CheckStatus, GuestInfo } from "../report";
import { installCommand, removeCommand } from "./fixes";
import { KernelDrivers } from "./kernel-drivers";
import type { InstalledKernel } from "./kernels";
import { distroFamily, type DistroFamily, type OsIdentity } from "./os-release";
import type { InstalledPackages } from "./packages";
import type { GuestServices } from "./services";

/** Everything a check may look at, read once and shared by all checks. */
export interface GuestContext {
  guest: GuestFs;
  info: GuestInfo;
  os: OsIdentity | null;
  family: DistroFamily;
  kernels: InstalledKernel[];
  packages: InstalledPackages;
  services: GuestServices;
  /** The image file name the host-side fixes (virt-sysprep, virt-customize) name. */
  image: string;
  /** Driver lookups per kernel, cached. */
  drivers(kernel: InstalledKernel): KernelDrivers;
  install(packages: string[]): string;
  remove(packages: string[]): string;
}

export function makeContext(fields: Omit<GuestContext, "family" | "drivers" | "install" | "remove">): GuestContext {
  const family = distroFamily(fields.os);
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
    install: (packages) => installCommand(family, fields.os, packages, fields.image),
    remove: (packages) => removeCommand(family, fields.os, packages),
  };
}

/** A check's result before its id is attached. */
export type Outcome = Omit<Check, "id">;

export interface CheckDefinition {
  id: string;
  /** The status a problem gets: the verdict is rejected only for "fail" checks. */
  severity: Extract<CheckStatus, "fail" | "warn">;
  /** Linux checks are skipped on Windows guests. */
  linuxOnly: boolean;
  run(context: GuestContext): Promise<Outcome>;
}

export const outcome = (status: CheckStatus, message: string, extra: { path?: string | null; fix?: string | null } = {}): Outcome => ({
  status,
  message,
  ...(extra.path ? { path: extra.path } : {}),
  ...(extra.fix ? { fix: extra.fix } : {}),
});
