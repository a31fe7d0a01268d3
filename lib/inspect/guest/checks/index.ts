import type { CheckDefinition } from "../context";
import { bootLoader } from "./boot";
import { cloudInitClean, cloudInitEnabled, cloudInitInstalled } from "./cloud-init";
import { guestOs } from "./guest-os";
import { logs, machineId, shellHistory, sshHostKeys } from "./hygiene";
import { otherHypervisorTools, qemuGuestAgent } from "./hypervisor-tools";
import { networkDhcp } from "./network";
import { virtioDisk, virtioInitramfs, virtioNet } from "./virtio";

/** Every guest check, in report order. The ids are public: scripts and the catalog rely on them. */
export const GUEST_CHECKS: readonly CheckDefinition[] = [
  guestOs,
  bootLoader,
  virtioDisk,
  virtioNet,
  virtioInitramfs,
  cloudInitInstalled,
  cloudInitEnabled,
  cloudInitClean,
  machineId,
  sshHostKeys,
  shellHistory,
  logs,
  networkDhcp,
  otherHypervisorTools,
  qemuGuestAgent,
];

export const GUEST_CHECK_IDS = GUEST_CHECKS.map((check) => check.id);
