import { defineOutcomes, type Outcome } from "../../codes";
import { shellQuote } from "../../commands";
import type { CheckDefinition, GuestContext } from "../context";

const BOOT = defineOutcomes("boot.loader", {
  bios_and_uefi: { status: "pass", message: "The disk boots with BIOS ({bios}) and with UEFI ({uefi})." },
  bios: { status: "pass", message: "The disk boots with BIOS: {bios}. UEFI finds nothing: {uefiProblem}." },
  uefi: { status: "pass", message: "The disk boots with UEFI: {uefi}. BIOS finds nothing: {biosProblem}." },
  loader_missing: {
    status: "fail",
    message: [
      "No boot loader: BIOS finds nothing ({biosProblem}) and neither does UEFI ({uefiProblem}),",
      'so an instance stops at the firmware\'s "no bootable device".',
      "Install a boot loader; or, if the cloud starts instances with a kernel of its own, an administrator can enable direct kernel boot",
      "(HANGAR_DIRECT_KERNEL_BOOT).",
    ],
  },
  loader_missing_direct_boot: {
    status: "warn",
    message: [
      "No boot loader: BIOS finds nothing ({biosProblem}) and neither does UEFI ({uefiProblem}).",
      "Instances start only because this cloud boots them with a kernel of its own (direct kernel boot); elsewhere the image will not boot.",
    ],
  },
});

/** GRUB for BIOS, installed offline (virt-customize sees the image as /dev/sda), with the guest's own packages. */
function grubFix(context: GuestContext): string {
  const { grub } = context.family;
  return `virt-customize -a ${shellQuote(context.image)} --install ${grub.package} --run-command ${shellQuote(grub.install)}`;
}

function loaderOutcome(context: GuestContext): Outcome {
  const { bios, biosProblem, uefi, uefiProblem } = context.loaders;
  if (bios && uefi) return BOOT.bios_and_uefi({ bios: bios.what, uefi: uefi.what }, { path: uefi.where });
  if (bios) return BOOT.bios({ bios: bios.what, uefiProblem }, { path: bios.where });
  if (uefi) return BOOT.uefi({ uefi: uefi.what, biosProblem }, { path: uefi.where });
  const say = context.policy.directKernelBoot ? BOOT.loader_missing_direct_boot : BOOT.loader_missing;
  return say({ biosProblem, uefiProblem }, { path: "sector 0 (MBR)", fix: grubFix(context) });
}

/**
 * boot.loader: something the firmware can start, BIOS boot code that loads a
 * loader or a UEFI loader on an EFI system partition. A disk without one boots
 * only where the cloud brings its own kernel (the admin's direct kernel boot
 * setting); elsewhere the instance never starts.
 */
export const bootLoader: CheckDefinition = {
  id: "boot.loader",
  severity: "fail",
  outcomes: BOOT,
  run: (context) => Promise.resolve(loaderOutcome(context)),
};
