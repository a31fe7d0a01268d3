import type { IncomingMessage, ServerResponse } from "node:http";
import next from "next";
import { watchOutages } from "../http/engine-outage";
import { parseTrustedProxies } from "../http/forwarding";
import { answeredAtFrontDoor } from "../http/front-door";
import { logWhenDone } from "../log/access-log";
import { REQUEST_ID_HEADER, requestIdFor, withRequestId } from "../log/request-id";
import { createGuardedServer, type RequestKind } from "./connection-guard";
import { connectionLimits } from "./connection-limits";
import { InFlight } from "./in-flight";
import { answerFailure } from "./raw-failure";

export interface ServerOptions {
  port: number;
  hostname: string;
  dev: boolean;
  /** A line per request (HANGAR_LOG_FORMAT=json: lib/log/access-log.ts). */
  accessLog?: boolean;
  /** Called as each request arrives (the metrics: lib/metrics/http.ts). */
  observe?: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * A route that bypasses Next: the tus endpoint (Next buffers and caps request
 * bodies) and downloads (Next drops Content-Length from streamed responses).
 */
export interface RawRoute {
  prefix: string;
  /** When set, only paths under the prefix that match it; the others go to Next. */
  pattern?: RegExp;
  /** "transfer": its requests stream for as long as bytes move (connection-guard.ts); by default a request must arrive whole in seconds. */
  kind?: RequestKind;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

function routeFor(rawRoutes: RawRoute[], url: string): RawRoute | undefined {
  const pathname = url.split("?")[0] ?? url;
  return rawRoutes.find(
    (candidate) =>
      (url === candidate.prefix || url.startsWith(`${candidate.prefix}/`) || url.startsWith(`${candidate.prefix}?`)) &&
      (!candidate.pattern || candidate.pattern.test(pathname)),
  );
}

/**
 * Hangar's HTTP server: Next.js for pages and the API, with raw routes in
 * front of it for streams Next would buffer. `inFlight` counts the requests it is answering (for a graceful shutdown).
 */
export async function startServer(options: ServerOptions, rawRoutes: RawRoute[] = [], inFlight = new InFlight()) {
  const app = next({ dev: options.dev, hostname: options.hostname, port: options.port, webpack: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  const { server } = createGuardedServer(
    connectionLimits(),
    { trust: parseTrustedProxies(process.env.HANGAR_TRUSTED_PROXIES), kindOf: (req) => routeFor(rawRoutes, req.url ?? "/")?.kind ?? "request" },
    (req, res) => {
      // Every line logged while this request is handled carries its id, which the response tells the client.
      const requestId = requestIdFor(req);
      res.setHeader(REQUEST_ID_HEADER, requestId);
      // An engine found away while answering makes the answer a 503 (lib/http/engine-outage.ts), for raw routes and Next alike.
      withRequestId(requestId, () =>
        watchOutages(res, () => {
          if (options.accessLog) logWhenDone(req, res);
          options.observe?.(req, res);
          if (answeredAtFrontDoor(req, res)) return;
          const url = req.url ?? "/";
          const route = routeFor(rawRoutes, url);
          if (route) {
            const handled = Promise.resolve(route.handle(req, res)).catch((error: unknown) => answerFailure(req, res, error));
            inFlight.track(res, handled);
            return;
          }
          inFlight.track(res, handle(req, res));
        }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));
  // Once listening, an error is a failed accept (out of file descriptors despite the caps): logged, and the server goes on.
  server.on("error", (error) => console.error(`accepting a connection failed: ${error.message}`));
  return { server, inFlight };
}
