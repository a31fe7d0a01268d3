import type { IncomingMessage, ServerResponse } from "node:http";
import { readiness, type ReadinessDeps } from "./readiness";
import type { RawRoute } from "./server";
import type { Draining } from "./shutdown";

function sendJson(res: ServerResponse, req: IncomingMessage, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
}

/** Answers a method other than GET and HEAD with 405; true when it did. */
function refusedMethod(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  sendJson(res, req, 405, { error: { code: "method_not_allowed", message: "This path answers GET and HEAD." } }, { allow: "GET, HEAD" });
  return true;
}

/**
 * The load balancer's checks, outside Next (no session, no page): `/healthz`, the process is alive
 * and serves requests; `/readyz`, it can do its work: the database and the image store answer
 * (503 with which one does not, so that the balancer sends requests to another node meanwhile),
 * and 503 from the moment the node begins to shut down, so that the balancer drains it.
 */
export function healthRoutes(deps: () => ReadinessDeps, draining: Draining = { active: false }): RawRoute[] {
  return [
    {
      prefix: "/healthz",
      pattern: /^\/healthz$/,
      handle(req, res) {
        if (!refusedMethod(req, res)) sendJson(res, req, 200, { status: "alive" });
      },
    },
    {
      prefix: "/readyz",
      pattern: /^\/readyz$/,
      async handle(req, res) {
        if (refusedMethod(req, res)) return;
        if (draining.active) {
          sendJson(res, req, 503, { status: "shutting down" });
          return;
        }
        const { ready, checks } = await readiness(deps());
        sendJson(res, req, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks });
      },
    },
  ];
}
