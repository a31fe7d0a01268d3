// A worker thread of the inspection pool (lib/catalog/inspection-pool.ts): inspects stored images off the thread
// that answers requests.
import { serveJobs } from "../workers/serve";
import type { InspectionJob } from "./inspection-pool";
import { inspectStoredFile } from "./inspector";

serveJobs(({ filePath, fileName }: InspectionJob, onProgress) => inspectStoredFile(filePath, fileName, onProgress));
