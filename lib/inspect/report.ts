/** The shape `hangar inspect --json` prints and the catalog stores; the field names are a public contract. */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface Check {
  /** Stable id such as "format.supported" or "virtio.disk"; scripts rely on these. */
  id: string;
  status: CheckStatus;
  /** What is wrong (or right), in words a person understands. */
  message: string;
  /** A command or step the user can run to fix it. */
  fix?: string;
  /** The guest path (or file offset) that is the evidence. */
  path?: string;
}

export type Verdict = "accepted" | "rejected";
