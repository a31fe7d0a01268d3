import type { ServerResponse } from "node:http";
import { Gauge } from "prom-client";
import { validationActivity } from "../catalog/validation";
import type { DatabaseProvider } from "../db/url";
import { type MetricsAccess, mayReadMetrics } from "../metrics/access";
import { registry } from "../metrics/metrics";
import type { InFlight } from "./in-flight";
import { readiness, type ReadinessDeps } from "./readiness";
import type { RawRoute } from "./server";

/** What the node's gauges read when Prometheus scrapes. */
export interface NodeSources {
  readiness: () => ReadinessDeps;
  inFlight: InFlight;
  engine: DatabaseProvider;
}

/** Gauges read at each scrape from the node's state; once per process (startHangar). */
function registerNodeGauges(sources: NodeSources): void {
  new Gauge({
    name: "hangar_requests_in_flight",
    help: "HTTP requests this node is answering now.",
    registers: [registry],
    collect() {
      this.set(sources.inFlight.size);
    },
  });
  new Gauge({
    name: "hangar_validations",
    help: "Validations on this node now: running, or waiting for a worker.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const { active, waiting } = validationActivity();
      this.set({ state: "running" }, active);
      this.set({ state: "waiting" }, waiting);
    },
  });
  new Gauge({
    name: "hangar_dependency_up",
    help: "1 when the dependency answered this scrape's check within 2 s (the checks of /readyz), else 0.",
    labelNames: ["dependency"] as const,
    registers: [registry],
    async collect() {
      const { checks } = await readiness(sources.readiness());
      for (const [dependency, result] of Object.entries(checks)) this.set({ dependency }, result === "ok" ? 1 : 0);
    },
  });
  new Gauge({
    name: "hangar_database_engine",
    help: "The database engine this node uses (the label; the value is always 1).",
    labelNames: ["engine"] as const,
    registers: [registry],
    collect() {
      this.set({ engine: sources.engine }, 1);
    },
  });
}

function refuse(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * GET /metrics in Prometheus's text format, for an allowed address or with the metrics token (lib/metrics/access.ts);
 * 403 otherwise, saying what would let the request in. Outside Next, like the balancer's checks.
 */
export function metricsRoute(access: MetricsAccess, sources: NodeSources): RawRoute {
  registerNodeGauges(sources);
  return {
    prefix: "/metrics",
    pattern: /^\/metrics$/,
    async handle(req, res) {
      if (req.method !== "GET" && req.method !== "HEAD") {
        refuse(res, 405, "method_not_allowed", "This path answers GET and HEAD.", { allow: "GET, HEAD" });
        return;
      }
      if (!mayReadMetrics(req, access)) {
        refuse(
          res,
          403,
          "forbidden",
          "Metrics are for the addresses in HANGAR_METRICS_ALLOW, or for requests with Authorization: Bearer and the token in HANGAR_METRICS_TOKEN.",
        );
        return;
      }
      const body = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    },
  };
}
