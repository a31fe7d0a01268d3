import { loadAuthSecret } from "../auth/secret";
import { exportKeeping, startExportSweep } from "../catalog/export-sweep";
import { inspectionLimits } from "../catalog/inspection-pool";
import { leadershipFor } from "../cluster/leadership";
import { closeDb } from "../db/client";
import { databaseProvider, databaseUrl } from "../db/url";
import { metricsAccess } from "../metrics/access";
import { requestObserver } from "../metrics/http";
import { routeLabeler } from "../metrics/route-label";
import { resumePendingValidations, stopValidations } from "../catalog/validation";
import { glancePort } from "../glance/config";
import { glanceDeps } from "../glance/runtime";
import { startGlanceListener } from "../glance/server";
import { parseTrustedProxies } from "../http/forwarding";
import { startImportJobs } from "../imports/manage";
import { importDeps } from "../imports/runtime";
import { logFormat, logAsJsonLines } from "../log/json-lines";
import { startDeprecationJobs, startUploadJobs } from "../uploads/jobs";
import { uploadRoute } from "../uploads/route";
import { uploadDeps } from "../uploads/runtime";
import { downloadRoutes } from "./download-routes";
import { healthRoutes } from "./health-routes";
import { InFlight } from "./in-flight";
import { metricsRoute } from "./metrics-route";
import { type ServerOptions, startServer } from "./server";
import { type Draining, shutDownOnSignals, shutdownConfig } from "./shutdown";

/**
 * Hangar as it runs: the HTTP server with the tus endpoint and the balancer's checks, validations and imports
 * resumed, upload housekeeping and scheduled deprecations running, and a graceful shutdown on SIGTERM and SIGINT.
 */
export async function startHangar(options: ServerOptions) {
  const json = logFormat() === "json";
  if (json) logAsJsonLines();
  // Read now, so that a malformed limit stops the start rather than the first validation or the shutdown.
  inspectionLimits();
  const keeping = exportKeeping();
  const shutdown = shutdownConfig();
  const glance = glancePort();
  const metrics = metricsAccess();
  const draining: Draining = { active: false };
  const imports = importDeps();
  const deps = uploadDeps();
  // Before the first request: the secret that signs sessions, shared by every node through the database.
  await loadAuthSecret(deps.db);
  // tus requests stream for as long as bytes move: a transfer, to the connection guard.
  const inFlight = new InFlight();
  const { server } = await startServer(
    { ...options, accessLog: json, observe: requestObserver(routeLabeler()) },
    [
      { ...uploadRoute(deps), kind: "transfer" },
      ...downloadRoutes(),
      ...healthRoutes(() => deps, draining),
      metricsRoute(metrics, { readiness: () => deps, inFlight, engine: databaseProvider(databaseUrl()) }),
    ],
    inFlight,
  );
  // The Glance API, when configured: its own listener in this process, on the same domain layer and policy.
  const glanceServer =
    glance === null
      ? null
      : await startGlanceListener(glanceDeps(imports), {
          port: glance,
          hostname: options.hostname,
          trust: parseTrustedProxies(process.env.HANGAR_TRUSTED_PROXIES),
          inFlight,
          accessLog: json,
        });
  const pending = await resumePendingValidations(deps);
  if (pending > 0) console.log(`validation: resumed ${pending} image${pending > 1 ? "s" : ""}`);
  // Periodic jobs run on one node of the cluster at a time (lib/cluster/leadership.ts); imports a restart cut short
  // resume from their bytes on disk, on whichever node claims them first; each node sweeps its own kept exports.
  const leadership = leadershipFor(databaseUrl());
  const jobs = [startUploadJobs(deps, leadership), startDeprecationJobs(deps, leadership), startImportJobs(imports), startExportSweep(deps, keeping)];
  shutDownOnSignals(
    {
      server,
      listeners: glanceServer ? [glanceServer] : [],
      inFlight,
      draining,
      background: [...jobs, stopValidations],
      resources: [() => leadership.close(), () => deps.locker.close(), () => closeDb(deps.db)],
    },
    shutdown,
  );
  return { server, glance: glanceServer };
}
