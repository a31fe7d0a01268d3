import { defineOutcomes, type Outcome } from "../../codes";
import type { GuestInfo } from "../../report";
import type { OsIdentity } from "../os-release";
import type { CheckDefinition } from "../context";

const FIRMWARE_NAMES = { bios: "BIOS", uefi: "UEFI" } as const;

export const GUEST_OS = defineOutcomes("guest.os", {
  linux: { status: "pass", message: "{name}: {facts}." },
  linux_unidentified: {
    status: "warn",
    message: "A Linux root file system was found, but it does not say which distribution it is (no /etc/os-release): {facts}.",
    fix: "Add /etc/os-release (os-release(5)) so tools can tell the distribution and version.",
  },
  no_os: {
    status: "fail",
    message: "No operating system was found on the disk: {reason}",
    fix: "Check that this is the image of the system disk, not of a data disk, and that it was captured whole.",
  },
  no_os_ntfs_data: {
    status: "fail",
    message: [
      "No operating system was found on the disk: it holds NTFS volumes but not the layout Windows boots from",
      "(no Windows Boot Manager on an EFI system partition, no Microsoft reserved partition, no active NTFS partition): a data disk, not an operating system.",
    ],
    fix: "Check that this is the image of the system disk, not of a data disk, and that it was captured whole.",
  },
  /** A Windows guest, identified from its registry (guest/windows/checks/os.ts). */
  windows: { status: "pass", message: "{product} ({details}), version {version}{display}, {arch}; {where}." },
});

/** guest.os on a Linux root: what the guest is. inspectGuest reports a missing root itself; Windows has its own guest.os (guest/windows). */
export const guestOs: CheckDefinition = {
  id: "guest.os",
  severity: "fail",
  outcomes: GUEST_OS,
  run: ({ info, os }) => Promise.resolve(describeLinux(info, os)),
};

function describeLinux(info: GuestInfo, os: OsIdentity | null): Outcome {
  const root = info.root;
  const place = root ? (root.partition === null ? "the whole disk" : `partition ${root.partition}`) : "";
  const where = root ? `root on ${root.logicalVolume ? `logical volume ${root.logicalVolume} on ${place}` : place} (${root.fileSystem})` : "";
  const firmware = info.firmware.length > 0 ? `boots with ${info.firmware.map((f) => FIRMWARE_NAMES[f]).join(" and ")}` : "no boot loader found";
  const kernels = info.kernels.length > 0 ? `kernel ${info.kernels.join(", ")}` : "no kernel installed";
  const facts = [info.arch ?? "unknown architecture", kernels, firmware, where].filter(Boolean).join("; ");
  if (!os) return GUEST_OS.linux_unidentified({ facts }, { path: "/etc/os-release" });
  return GUEST_OS.linux({ name: info.prettyName ?? os.id, facts }, { path: os.source });
}
