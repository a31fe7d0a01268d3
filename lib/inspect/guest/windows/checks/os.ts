import { isInspectError } from "../../../errors";
import { firmwareOf } from "../../boot-loaders";
import { GUEST_OS } from "../../checks/guest-os";
import { placeName, windowsPath } from "../paths";
import { CURRENT_VERSION, productOf, versionOf } from "../identity";
import { defineOutcomes } from "../../../codes";
import type { WindowsCheckDefinition, WindowsSetup } from "../context";

export const OS = defineOutcomes("guest.os", {
  "windows.identity_unreadable": {
    status: "warn",
    message: "A Windows installation was found ({where}), but its version cannot be read: {reason}",
    fix: "Boot the source machine once and shut it down cleanly (shutdown /s /t 0) so its registry hives are written whole, then capture the image again.",
  },
  "windows.bitlocker": {
    status: "fail",
    message: [
      "The Windows volume ({where}) is encrypted with BitLocker: Hangar cannot look inside it, and an instance would stop at the BitLocker recovery screen,",
      "because the key stays in the source machine's TPM.",
    ],
    fix: "On the source machine: manage-bde -off C:  (wait until manage-bde -status C: says Fully Decrypted), then capture the image again.",
  },
  "windows.dynamic_disk": {
    status: "fail",
    message: [
      "The disk is a Windows dynamic disk (partition {partition} is {type}): its volumes are described by the LDM database,",
      "which Hangar does not read and which virt-v2v and KVM clouds do not convert.",
    ],
    fix: [
      "Move Windows to a basic disk before capturing it: back up the system volume (wbadmin start backup -allCritical -backupTarget:E:),",
      "restore it onto a new basic disk, and capture that disk.",
    ],
  },
  "windows.system_not_found": {
    status: "fail",
    message: "The disk has the layout Windows boots from, but no NTFS volume holds a readable Windows installation (\\Windows\\System32\\config): {reasons}.",
    fix: "Check that the image is the whole system disk; if its file system is damaged, run chkdsk C: /f on the source machine and capture the image again.",
  },
});

/** "partition 3 (ntfs); boots with UEFI" */
function placeOf(setup: Pick<WindowsSetup, "root" | "loaders">): string {
  const where = placeName(setup.root?.partition);
  const firmware = firmwareOf(setup.loaders);
  const boots = firmware.length > 0 ? `boots with ${firmware.map((f) => f.toUpperCase()).join(" and ")}` : "no boot loader found";
  return `${where} (ntfs); ${boots}`;
}

export const windowsOs: WindowsCheckDefinition = {
  id: "guest.os",
  severity: "fail",
  outcomes: OS,
  async run(context) {
    const where = placeOf(context.setup);
    const arch = await context.architecture();
    let identity;
    try {
      identity = await context.identity();
    } catch (error) {
      if (!isInspectError(error)) throw error;
      return OS["windows.identity_unreadable"]({ where, reason: error.message }, { path: windowsPath("/Windows/System32/config/SOFTWARE") });
    }
    if (!identity)
      return OS["windows.identity_unreadable"](
        { where, reason: `the SOFTWARE hive has no ${CURRENT_VERSION} key` },
        { path: `HKLM\\SOFTWARE\\${CURRENT_VERSION}` },
      );
    const details = [identity.editionId, identity.installationType].filter(Boolean).join(", ") || "edition unknown";
    // The same outcome as on Linux, a guest identified: the Windows pass shares guest.os's code for it.
    return GUEST_OS.windows(
      {
        product: productOf(identity),
        details,
        version: versionOf(identity),
        display: identity.displayVersion ? ` (${identity.displayVersion})` : "",
        arch: arch ? `${arch.arch} (${windowsPath(arch.path)})` : "architecture unknown",
        where,
      },
      { path: `HKLM\\SOFTWARE\\${CURRENT_VERSION}` },
    );
  },
};
