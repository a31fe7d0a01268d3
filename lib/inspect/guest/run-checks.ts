import { defineOutcomes, type Evidence, type Outcome } from "../codes";
import type { Codecs } from "../codecs";
import { isInspectError } from "../errors";
import type { GuestFs } from "../fs/guest-fs";
import type { Check, GuestInfo } from "../report";
import { firmwareOf, type BootLoaders } from "./boot-loaders";
import { GUEST_CHECKS } from "./checks";
import { GUEST_OS } from "./checks/guest-os";
import { DEFAULT_GUEST_POLICY, makeContext, type CheckDefinition, type GuestPolicy } from "./context";
import { detectArchitecture } from "./elf";
import { DEFAULT_IMAGE_NAME } from "./fixes";
import { findKernels } from "./kernels";
import { readOsIdentity } from "./os-release";
import { readInstalledPackages } from "./packages";
import { GuestServices } from "./services";
import { shellQuote } from "../commands";

export interface GuestFacts {
  root: GuestInfo["root"];
  loaders: BootLoaders;
  /** The image file name the host-side fixes name. */
  image?: string;
  policy?: GuestPolicy;
  codecs?: Codecs;
}

/** Outcomes any guest check may give: why it could not run. */
export const ANY_GUEST_CHECK = defineOutcomes("*", {
  "guest.unreadable": { status: "fail", message: "Hangar could not read the guest's files for this check: {reason}" },
  "guest.unreadable_warning": { status: "warn", message: "Hangar could not read the guest's files for this check: {reason}" },
  "guest.skipped_no_os": { status: "skip", message: "No operating system was found (see guest.os)." },
  "guest.skipped_windows": { status: "skip", message: "A check of Linux guests, not run: this is a Windows guest, which the Windows checks look at." },
});

/** The rescue shell command that repairs the root file system the check could not read. */
function repairFix(facts: GuestFacts): string {
  const root = facts.root;
  const device = root?.logicalVolume
    ? `the logical volume ${root.logicalVolume}`
    : root?.partition != null
      ? `/dev/sda${root.partition}`
      : "the root file system";
  return `virt-rescue -a ${shellQuote(facts.image ?? DEFAULT_IMAGE_NAME)}  # then, in the rescue shell: fsck -f ${device}`;
}

function failedRead(severity: "fail" | "warn", error: unknown, repair: Evidence): Outcome {
  const reason = isInspectError(error) ? error.message : `an unexpected error (${error instanceof Error ? error.message : String(error)})`;
  const say = severity === "fail" ? ANY_GUEST_CHECK["guest.unreadable"] : ANY_GUEST_CHECK["guest.unreadable_warning"];
  return say({ reason }, repair);
}

/**
 * Runs `definitions` at once on one context: while one check waits (for the initramfs to inflate,
 * on zlib's own thread in Node), the others read. A check that cannot read what it needs reports it
 * at its own severity, with `repair`: the reader does not say which guest file it was in, only that
 * the file system is damaged there.
 */
export function runChecks<Context>(definitions: readonly CheckDefinition<Context>[], context: Context, repair: Evidence): Promise<Check[]> {
  return Promise.all(
    definitions.map(async (definition): Promise<Check> => {
      try {
        return { id: definition.id, ...(await definition.run(context)) };
      } catch (error) {
        return { id: definition.id, ...failedRead(definition.severity, error, repair) };
      }
    }),
  );
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
    firmware: firmwareOf(facts.loaders),
    root: facts.root,
  };
  const context = makeContext({
    guest,
    info,
    os,
    kernels,
    packages: await orElse(readInstalledPackages(guest), { manager: null, source: null, installed: () => null, configOnly: () => false }),
    services: new GuestServices(guest),
    loaders: facts.loaders,
    policy: facts.policy ?? DEFAULT_GUEST_POLICY,
    codecs: facts.codecs,
    image: facts.image ?? DEFAULT_IMAGE_NAME,
  });
  return { guest: info, checks: await runChecks(GUEST_CHECKS, context, { path: "/", fix: repairFix(facts) }) };
}

const skipAll = (outcome: Outcome, except: string): Check[] => GUEST_CHECKS.filter((c) => c.id !== except).map((c) => ({ id: c.id, ...outcome }));

const NO_GUEST: GuestInfo = { osType: null, distro: null, version: null, prettyName: null, arch: null, kernels: [], firmware: [], root: null };

/** The report when no operating system was found: guest.os fails, the rest cannot run. */
export function noGuestChecks(reason: string): { guest: GuestInfo; checks: Check[] } {
  return {
    guest: NO_GUEST,
    checks: [{ id: "guest.os", ...GUEST_OS.no_os({ reason }, { path: "/etc/os-release" }) }, ...skipAll(ANY_GUEST_CHECK["guest.skipped_no_os"](), "guest.os")],
  };
}

/** NTFS volumes without the layout Windows boots from: a data disk. */
export function ntfsDataDiskChecks(): { guest: GuestInfo; checks: Check[] } {
  return {
    guest: NO_GUEST,
    checks: [
      { id: "guest.os", ...GUEST_OS.no_os_ntfs_data({}, { path: "/etc/os-release" }) },
      ...skipAll(ANY_GUEST_CHECK["guest.skipped_no_os"](), "guest.os"),
    ],
  };
}
