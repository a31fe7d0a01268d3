import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { answeredAtFrontDoor } from "../http/front-door";

export interface ServerOptions {
  port: number;
  hostname: string;
  dev: boolean;
}

/**
 * A route that bypasses Next: the tus endpoint (Next buffers and caps request
 * bodies) and downloads (Next drops Content-Length from streamed responses).
 */
export interface RawRoute {
  prefix: string;
  /** When set, only paths under the prefix that match it; the others go to Next. */
  pattern?: RegExp;
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
 * front of it for streams Next would buffer.
 */
export async function startServer(options: ServerOptions, rawRoutes: RawRoute[] = []) {
  const app = next({ dev: options.dev, hostname: options.hostname, port: options.port, webpack: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    if (answeredAtFrontDoor(req, res)) return;
    const url = req.url ?? "/";
    const route = routeFor(rawRoutes, url);
    if (route) {
      void Promise.resolve(route.handle(req, res)).catch((error: unknown) => {
        console.error("raw route failed", error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("Internal error");
      });
      return;
    }
    void handle(req, res);
  });
  // Node's default 300 s request timeout would cut a long upload PATCH over a slow link.
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));
  return server;
}
