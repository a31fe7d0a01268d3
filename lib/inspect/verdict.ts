import type { Check, Verdict } from "./report";

/** Rejected when any check failed; warnings and skips do not reject. */
export const verdictOf = (checks: Check[]): Verdict => (checks.some((check) => check.status === "fail") ? "rejected" : "accepted");
