// A worker thread of the inspection pool (lib/catalog/inspection-pool.ts): inspects stored images off the thread
// that answers requests, reading them where they lie through a reader of its own.
import { openSource } from "../storage/source";
import { serveJobs } from "../workers/serve";
import type { InspectedSource, InspectionJob } from "./inspection-pool";
import { inspectStoredBytes } from "./inspector";

serveJobs(async ({ source, fileName }: InspectionJob, onProgress): Promise<InspectedSource> => {
  const reader = await openSource(source);
  try {
    return { report: await inspectStoredBytes(reader, fileName, onProgress), fetched: reader.fetched() };
  } finally {
    await reader.close();
  }
});
