import type { IncomingMessage, ServerResponse } from "node:http";
import { httpRequestDuration, httpRequests, uploadsInProgress } from "./metrics";

/** Methods counted by name; anything else a client makes up counts as "other" (a label must not grow without bound). */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The route of an upload's PATCH requests, as the route labeler names it (from the operations table). */
const UPLOAD_ROUTE = "/api/v1/uploads/{uploadId}";

/**
 * Counts a request when its response closes: by method, route template (`label`) and status, with its duration;
 * an upload's PATCH counts as an upload in progress meanwhile.
 */
export function requestObserver(label: (url: string) => string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const method = METHODS.has(req.method ?? "") ? (req.method as string) : "other";
    const route = label(req.url ?? "/");
    const upload = method === "PATCH" && route === UPLOAD_ROUTE;
    if (upload) uploadsInProgress.inc();
    res.once("close", () => {
      if (upload) uploadsInProgress.dec();
      // A connection cut before any answer (a client gone, a shutdown's end of grace) has no status.
      const status = res.headersSent ? String(res.statusCode) : "none";
      httpRequests.inc({ method, route, status });
      httpRequestDuration.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
  };
}
