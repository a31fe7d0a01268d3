import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's metrics, served at /metrics in Prometheus's text format (lib/metrics/route.ts): one registry
 * per process (this module is loaded once: docs/decisions.md, "One module instance per process"), with Node's
 * own process metrics (CPU, memory, event-loop delay, file descriptors) beside Hangar's.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Seconds, from a quick page to an upload's PATCH that streams for minutes. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

export const httpRequests = new Counter({
  name: "hangar_http_requests_total",
  help: "HTTP requests answered, by method, route template and status (none: the connection closed before an answer).",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: "hangar_http_request_duration_seconds",
  help: "Time from a request's arrival until its response closed, by method and route template.",
  labelNames: ["method", "route"] as const,
  buckets: REQUEST_BUCKETS,
  registers: [registry],
});

export const uploadsInProgress = new Gauge({
  name: "hangar_uploads_in_progress",
  help: "Upload PATCH requests this node is receiving now.",
  registers: [registry],
});

export const uploadBytesReceived = new Counter({
  name: "hangar_upload_bytes_received_total",
  help: "Bytes of uploads received by this node.",
  registers: [registry],
});

export const validations = new Counter({
  name: "hangar_validations_total",
  help: "Validations this node finished, by verdict (accepted, rejected).",
  labelNames: ["verdict"] as const,
  registers: [registry],
});

export const validationDuration = new Histogram({
  name: "hangar_validation_duration_seconds",
  help: "Time one validation took on this node, by verdict.",
  labelNames: ["verdict"] as const,
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200],
  registers: [registry],
});

export const validationBytesRead = new Counter({
  name: "hangar_validation_store_read_bytes_total",
  help: "Bytes validations on this node brought from the image store, by step (format, inspection, conversion, digest): a file's reads, or an object's ranged GETs.",
  labelNames: ["step"] as const,
  registers: [registry],
});

export const jobRuns = new Counter({
  name: "hangar_job_runs_total",
  help: "Rounds of periodic jobs, by job and outcome: done, failed, or skipped (another node leads it).",
  labelNames: ["job", "outcome"] as const,
  registers: [registry],
});

export const jobLeader = new Gauge({
  name: "hangar_job_leader",
  help: "1 while this node runs the job for the cluster (it held the job's lock at its last round), else 0.",
  labelNames: ["job"] as const,
  registers: [registry],
});
