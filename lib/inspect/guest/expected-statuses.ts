import type { CheckStatus } from "../report";
import { GUEST_CHECK_IDS } from "./checks";
import { EXPECTED_WINDOWS_STATUSES } from "./windows/expected-statuses";

/**
 * What each guest-trees fixture (scripts/fixtures/30-guest-trees.sh) must
 * produce, shared by the tree tests and the disk-image tests of the same
 * trees: every check passes except those listed.
 */
const pass = (overrides: Record<string, CheckStatus> = {}): Record<string, CheckStatus> => ({
  ...Object.fromEntries(GUEST_CHECK_IDS.map((id): [string, CheckStatus] => [id, "pass"])),
  ...overrides,
});
const USED: Record<string, CheckStatus> = {
  "cloudinit.clean": "warn",
  "hygiene.machine-id": "warn",
  "hygiene.ssh-host-keys": "warn",
  "hygiene.shell-history": "warn",
  "hygiene.logs": "warn",
  "network.dhcp": "warn",
  "tools.other-hypervisors": "warn",
  "guest.qemu-guest-agent": "warn",
};
const all = (first: CheckStatus, rest: CheckStatus) => Object.fromEntries(GUEST_CHECK_IDS.map((id, i) => [id, i === 0 ? first : rest]));

export const EXPECTED_STATUSES: Record<string, Record<string, CheckStatus>> = {
  debian12: pass(),
  rhel9: pass(),
  ubuntu2404: pass(),
  centos6: pass(),
  "rhel9-aarch64": pass(),
  "debian12-dirty": pass(USED),
  "rhel9-dirty": pass(USED),
  "ubuntu2404-dirty": pass(USED),
  "no-virtio": pass({ "virtio.disk": "fail", "virtio.net": "fail", "virtio.initramfs": "skip" }),
  "initramfs-no-virtio": pass({ "virtio.initramfs": "fail" }),
  "no-cloud-init": pass({ "cloudinit.installed": "fail", "cloudinit.enabled": "skip", "cloudinit.clean": "skip" }),
  "cloud-init-disabled": pass({ "cloudinit.enabled": "fail" }),
  "cloud-init-units-off": pass({ "cloudinit.enabled": "fail" }),
  "cloud-init-cmdline-off": pass({ "cloudinit.enabled": "fail" }),
  "cloud-init-deleted": pass({ "cloudinit.installed": "fail", "cloudinit.enabled": "fail" }),
  "cloud-init-no-python": pass({ "cloudinit.installed": "fail" }),
  "no-os": all("fail", "skip"),
  // The Windows boot layout with empty NTFS volumes: no Windows installation to check.
  windows: EXPECTED_WINDOWS_STATUSES["layout-only"],
};
