import type { CheckStatus } from "../../report";
import { LINUX_ONLY_CHECKS, WINDOWS_CHECK_IDS } from "./checks";

/**
 * What each Windows fixture disk (scripts/fixtures/50-windows.sh, variants in
 * scripts/fixtures/windows/windows.py) must produce: every Windows check passes except those
 * listed, and the Linux checks without a Windows counterpart are skipped.
 */
const linuxSkipped = Object.fromEntries(LINUX_ONLY_CHECKS.map((check): [string, CheckStatus] => [check.id, "skip"]));
const pass = (overrides: Record<string, CheckStatus> = {}): Record<string, CheckStatus> => ({
  ...Object.fromEntries(WINDOWS_CHECK_IDS.map((id): [string, CheckStatus] => [id, "pass"])),
  ...linuxSkipped,
  ...overrides,
});
/** guest.os fails and nothing else can run: the Windows volume is there but cannot be read. */
const unreadable = () => ({ ...Object.fromEntries(WINDOWS_CHECK_IDS.map((id, i) => [id, (i === 0 ? "fail" : "skip") as CheckStatus])), ...linuxSkipped });

export const EXPECTED_WINDOWS_STATUSES: Record<string, Record<string, CheckStatus>> = {
  "win2022-uefi": pass(),
  "win10-bios": pass({ "hygiene.generalized": "warn", "hygiene.hostname": "warn", "guest.qemu-guest-agent": "warn" }),
  "win-no-virtio": pass({ "virtio.disk": "fail", "virtio.net": "fail" }),
  "win-viostor-staged": pass({ "virtio.disk": "fail" }),
  "win-viostor-demand": pass({ "boot.loader": "warn", "virtio.disk": "fail", "virtio.net": "fail" }),
  "win-dirty": pass({
    "cloudinit.clean": "warn",
    "hygiene.hostname": "warn",
    "hygiene.user-profiles": "warn",
    "hygiene.page-files": "warn",
    "tools.other-hypervisors": "warn",
  }),
  "win-no-cloudbase": pass({ "cloudinit.installed": "fail", "cloudinit.enabled": "skip", "cloudinit.clean": "skip" }),
  "win-cloudbase-disabled": pass({ "cloudinit.enabled": "fail" }),
  "win-cloudbase-broken": pass({ "cloudinit.installed": "fail" }),
  "win-undeployable": pass({ "hygiene.generalized": "fail", "hygiene.hostname": "warn", "hygiene.page-files": "fail" }),
  "win-broken-software": pass({ "guest.os": "warn", "cloudinit.clean": "warn" }),
  "win-no-loader": pass({ "boot.loader": "fail" }),
  "win-bitlocker": unreadable(),
  "win-dynamic": unreadable(),
  /** The guests family's Windows layout without a Windows installation on its NTFS volumes. */
  "layout-only": unreadable(),
};
