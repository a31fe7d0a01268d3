import { GUEST_CHECKS } from "../../checks";
import type { WindowsCheckDefinition } from "../context";
import { bootLoader } from "./boot";
import { cloudInitClean, cloudInitEnabled, cloudInitInstalled } from "./cloudbase-init";
import { generalized } from "./generalized";
import { qemuGuestAgent } from "./guest-agent";
import { hostname, pageFiles, userProfiles } from "./hygiene";
import { otherHypervisorTools } from "./hypervisor-tools";
import { windowsOs } from "./os";
import { virtioDisk, virtioNet } from "./virtio";

/** Every Windows check, in report order. Ids the Linux checks share mean the same (the catalog and scripts rely on them). */
export const WINDOWS_CHECKS: readonly WindowsCheckDefinition[] = [
  windowsOs,
  bootLoader,
  virtioDisk,
  virtioNet,
  cloudInitInstalled,
  cloudInitEnabled,
  cloudInitClean,
  generalized,
  hostname,
  userProfiles,
  pageFiles,
  otherHypervisorTools,
  qemuGuestAgent,
];

export const WINDOWS_CHECK_IDS = WINDOWS_CHECKS.map((check) => check.id);

/** The Linux checks without a Windows counterpart (the initramfs, machine-id, SSH host keys...): a Windows report lists them as skipped. */
export const LINUX_ONLY_CHECKS = GUEST_CHECKS.filter((check) => !WINDOWS_CHECK_IDS.includes(check.id));

/** The check ids of a Windows guest's report, in order. */
export const WINDOWS_REPORT_IDS = [...WINDOWS_CHECK_IDS, ...LINUX_ONLY_CHECKS.map((check) => check.id)];
