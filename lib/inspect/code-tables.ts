import { INTEGRITY, FORMAT, RAW, SAFE, SUPPORTED } from "./checks/format-codes";
import { rowsOfTables, type CodeRow, type CodeTable } from "./codes";
import { GPT, MBR, NESTED } from "./disk/findings";
import { ISO, LUKS, QCOW, QED, VDI, VHD, VHDX } from "./formats/findings";
import { QCOW2, QCOW2_WALK } from "./formats/qcow2/findings";
import { VMDK, VMDK_WALK } from "./formats/vmdk/findings";
import { GUEST_CHECKS } from "./guest/checks";
import { ANY_GUEST_CHECK } from "./guest/run-checks";
import { WINDOWS_CHECKS } from "./guest/windows/checks";
import { WINDOWS_UNREAD } from "./guest/windows/inspect-windows";

/** Every code table of the inspector, in report order: the format checks and their findings, then the Linux and the Windows guest checks. */
export const INSPECTOR_CODE_TABLES: readonly CodeTable[] = [
  SUPPORTED,
  SAFE,
  FORMAT,
  QCOW2,
  VMDK,
  VHD,
  VHDX,
  VDI,
  QED,
  QCOW,
  LUKS,
  GPT,
  NESTED,
  INTEGRITY,
  RAW,
  QCOW2_WALK,
  VMDK_WALK,
  MBR,
  ISO,
  ...GUEST_CHECKS.map((check) => check.outcomes),
  ...WINDOWS_CHECKS.map((check) => check.outcomes),
  ANY_GUEST_CHECK,
  WINDOWS_UNREAD,
];

/** Every code the inspector can report, with its check, status and message template. */
export const inspectorCodes = (): CodeRow[] => rowsOfTables(INSPECTOR_CODE_TABLES);
