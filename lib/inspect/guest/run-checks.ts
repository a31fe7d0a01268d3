import { isInspectError } from "../errors";
import type { GuestFs } from "../fs/guest-fs";
import type { Check, Firmware, GuestInfo } from "../report";
import { GUEST_CHECKS } from "./checks";
import { makeContext } from "./context";
import { detectArchitecture } from "./elf";
import { DEFAULT_IMAGE_NAME, shellWord } from "./fixes";
import { findKernels } from "./kernels";
import { readOsIdentity } from "./os-release";
import { readInstalledPackages } from "./packages";
import { GuestServices } from "./services";

export interface GuestFacts {
  root: GuestInfo["root"];
  firmware: Firmware[];
  /** The image file name the host-side fixes name. */
  image?: string;
}

/** The rescue shell command that repairs the root file system the check could not read. */
function repairFix(facts: GuestFacts): string {
  const root = facts.root;
  const device = root?.logicalVolume
    ? `the logical volume ${root.logicalVolume}`
    : root?.partition != null
      ? `/dev/sda${root.partition}`
      : "the root file system";
  return `virt-rescue -a ${shellWord(facts.image ?? DEFAULT_IMAGE_NAME)}  # then, in the rescue shell: fsck -f ${device}`;
}

function failedRead(id: string, severity: "fail" | "warn", error: unknown, facts: GuestFacts): Check {
  const reason = isInspectError(error) ? error.message : `an unexpected error (${error instanceof Error ? error.message : String(error)})`;
  // The reader does not say which guest file it was in, only that the root file system is damaged there.
  return { id, status: severity, message: `Hangar could not read the guest's files for this check: ${reason}`, path: "/", fix: repairFix(facts) };
}

/** What a broken file system hides is unknown, not an exception: the checks that need it then say so themselves. */
async function orElse<T>(read: Promise<T>, fallback: T): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (isInspectError(error)) return fallback;
    throw error;
  }
}

/** Runs every guest check on a Linux root (with /boot, /boot/efi... mounted) and describes the guest. */
export async function runGuestChecks(guest: GuestFs, facts: GuestFacts): Promise<{ guest: GuestInfo; checks: Check[] }> {
  const os = await orElse(readOsIdentity(guest), null);
  const arch = await orElse(detectArchitecture(guest), null);
  const kernels = await orElse(findKernels(guest), []);
  const info: GuestInfo = {
    osType: "linux",
    distro: os?.id ?? null,
    version: os?.version ?? null,
    prettyName: os?.prettyName ?? null,
    arch: arch?.arch ?? null,
    kernels: kernels.map((k) => k.version),
    firmware: facts.firmware,
    root: facts.root,
  };
  const context = makeContext({
    guest,
    info,
    os,
    kernels,
    packages: await orElse(readInstalledPackages(guest), { manager: null, source: null, installed: () => null, configOnly: () => false }),
    services: new GuestServices(guest),
    image: facts.image ?? DEFAULT_IMAGE_NAME,
  });
  const checks: Check[] = [];
  for (const definition of GUEST_CHECKS) {
    try {
      checks.push({ id: definition.id, ...(await definition.run(context)) });
    } catch (error) {
      checks.push(failedRead(definition.id, definition.severity, error, facts));
    }
  }
  return { guest: info, checks };
}

const skipAll = (message: string, except: string): Check[] =>
  GUEST_CHECKS.filter((c) => c.id !== except).map((c) => ({ id: c.id, status: "skip" as const, message }));

/** The report when no operating system was found: guest.os fails, the rest cannot run. */
export function noGuestChecks(reason: string): { guest: GuestInfo; checks: Check[] } {
  return {
    guest: { osType: null, distro: null, version: null, prettyName: null, arch: null, kernels: [], firmware: [], root: null },
    checks: [
      {
        id: "guest.os",
        status: "fail",
        message: `No operating system was found on the disk: ${reason}`,
        path: "/etc/os-release",
        fix: "Check that this is the image of the system disk, not of a data disk, and that it was captured whole.",
      },
      ...skipAll("No operating system was found (see guest.os).", "guest.os"),
    ],
  };
}
