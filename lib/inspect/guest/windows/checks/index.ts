import { bootLoader } from "./boot";
import { cloudInitClean, cloudInitEnabled, cloudInitInstalled } from "./cloudbase-init";
import type { WindowsCheckDefinition } from "./definition";
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
