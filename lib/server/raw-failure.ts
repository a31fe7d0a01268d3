import type { IncomingMessage, ServerResponse } from "node:http";
import { engineOutage } from "../http/engine-outage";
import { errorBody } from "../result";

/** A raw route's throw: 503 with Retry-After when an engine is away, else 500; in the API's error shape under /api/, as text elsewhere. */
export function answerFailure(req: IncomingMessage, res: ServerResponse, error: unknown) {
  const outage = engineOutage(error);
  console.error(outage ? `raw route: the ${outage.engine} is away` : "raw route failed", error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const [code, message] = outage
    ? (["unavailable", outage.message] as const)
    : (["internal", "Something went wrong on the server. It has been logged; try again."] as const);
  const api = (req.url ?? "/").startsWith("/api/");
  res.writeHead(outage ? outage.status : 500, {
    "content-type": api ? "application/json" : "text/plain; charset=utf-8",
    "cache-control": "no-store",
    ...(outage?.headers ?? {}),
  });
  res.end(api ? JSON.stringify(errorBody(code, message)) : message);
}
