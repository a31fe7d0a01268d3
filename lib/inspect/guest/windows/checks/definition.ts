import type { CheckStatus } from "../../../report";
import type { WindowsContext } from "../context";
import type { WindowsOutcome } from "../outcomes";

/** A Windows check: its public id (the same as the Linux check's where the meaning is the same), and how it decides. */
export interface WindowsCheckDefinition {
  id: string;
  /** The status a check gets when what it needs cannot be read. */
  severity: Extract<CheckStatus, "fail" | "warn">;
  run(context: WindowsContext): Promise<WindowsOutcome>;
}
