import { outcome, type CheckDefinition } from "../context";

const FIRMWARE_NAMES = { bios: "BIOS", uefi: "UEFI" } as const;

/** guest.os on a Linux root: what the guest is. inspectGuest reports a missing root and Windows guests itself. */
export const guestOs: CheckDefinition = {
  id: "guest.os",
  severity: "fail",
  linuxOnly: false,
  async run({ info, os }) {
    const root = info.root;
    const place = root ? (root.partition === null ? "the whole disk" : `partition ${root.partition}`) : "";
    const where = root ? `root on ${root.logicalVolume ? `logical volume ${root.logicalVolume} on ${place}` : place} (${root.fileSystem})` : "";
    const firmware = info.firmware.length > 0 ? `boots with ${info.firmware.map((f) => FIRMWARE_NAMES[f]).join(" and ")}` : "no boot loader found";
    const kernels = info.kernels.length > 0 ? `kernel ${info.kernels.join(", ")}` : "no kernel installed";
    const facts = [info.arch ?? "unknown architecture", kernels, firmware, where].filter(Boolean).join("; ");
    if (!os) {
      return outcome("warn", `A Linux root file system was found, but it does not say which distribution it is (no /etc/os-release): ${facts}.`, {
        path: "/etc/os-release",
        fix: "Add /etc/os-release (os-release(5)) so tools can tell the distribution and version.",
      });
    }
    return outcome("pass", `${info.prettyName ?? os.id}: ${facts}.`, { path: os.source });
  },
};
