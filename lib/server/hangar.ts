import { loadAuthSecret } from "../auth/secret";
import { inspectionLimits } from "../catalog/inspection-pool";
import { resumePendingValidations } from "../catalog/validation";
import { startImportJobs } from "../imports/manage";
import { importDeps } from "../imports/runtime";
import { logFormat, logAsJsonLines } from "../log/json-lines";
import { startDeprecationJobs, startUploadJobs } from "../uploads/jobs";
import { uploadRoute } from "../uploads/route";
import { uploadDeps } from "../uploads/runtime";
import { downloadRoutes } from "./download-routes";
import { healthRoutes } from "./health-routes";
import { type ServerOptions, startServer } from "./server";

/** Hangar as it runs: the HTTP server with the tus endpoint and the balancer's checks, validations and imports resumed, upload housekeeping and scheduled deprecations running. */
export async function startHangar(options: ServerOptions) {
  const json = logFormat() === "json";
  if (json) logAsJsonLines();
  // Read now, so that a malformed limit stops the start rather than the first validation.
  inspectionLimits();
  const imports = importDeps();
  const deps = uploadDeps();
  // Before the first request: the secret that signs sessions, shared by every node through the database.
  await loadAuthSecret(deps.db);
  // tus requests stream for as long as bytes move: a transfer, to the connection guard.
  const server = await startServer({ ...options, accessLog: json }, [
    { ...uploadRoute(deps), kind: "transfer" },
    ...downloadRoutes(),
    ...healthRoutes(() => deps),
  ]);
  const pending = await resumePendingValidations(deps);
  if (pending > 0) console.log(`validation: resumed ${pending} image${pending > 1 ? "s" : ""}`);
  startUploadJobs(deps);
  // Imports a restart cut short resume from their bytes on disk.
  startImportJobs(imports);
  startDeprecationJobs(deps);
  return server;
}
