import { defineOutcomes } from "../inspect/codes";
import type { StoredReport } from "../inspect/report";

export const IMPORT_FAILED = defineOutcomes("import.download", {
  failed: { status: "fail", message: "The image's bytes could not be imported from {url}: {reason}" },
});

/** The report of an image whose import failed before its bytes were in: what its page and Glance's killed image show. */
export const importFailedReport = (url: string, reason: string): StoredReport => ({
  verdict: "rejected",
  checks: [{ id: "import.download", ...IMPORT_FAILED.failed({ url, reason }) }],
});
