import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { Actor } from "../auth/actor";
import { authenticateToken } from "../auth/tokens";
import { clientInfo, type ForwardingTrust } from "../http/forwarding";
import { REQUEST_ID_HEADER, requestIdFor, withRequestId } from "../log/request-id";
import { errorBody, fail, httpStatus, type HttpErrorCode, ok, type Result } from "../result";
import { createGuardedServer } from "../server/connection-guard";
import { connectionLimits } from "../server/connection-limits";
import type { InFlight } from "../server/in-flight";
import { logGlanceRequest } from "./access-log";
import type { GlanceDeps } from "./deps";
import type { GlanceAnswer, GlanceRoute } from "./route";
import { routeFor } from "./routes";

/** A create's or a patch's JSON is small; more is not an image's attributes. */
const MAX_JSON_BODY = 1 << 20;

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
}

function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  code: HttpErrorCode,
  message: string,
  headers: Record<string, string> = {},
  format?: GlanceRoute["errors"],
): void {
  const body = format ? format(httpStatus(code), message) : errorBody(code, message);
  // The rest of the body is not read: the connection closes rather than carry it to the next request.
  send(req, res, httpStatus(code), body, req.complete ? headers : { ...headers, connection: "close" });
  req.resume();
}

/** The token of X-Auth-Token, as `glance --os-auth-token` and `openstack --os-auth-type admin_token` send it: a Hangar API token. */
async function authenticate(deps: GlanceDeps, req: IncomingMessage, clientAddress: string): Promise<Result<Actor>> {
  const header = req.headers["x-auth-token"];
  const token = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!token) return fail("unauthenticated", "Send a Hangar API token as X-Auth-Token (create one on the Settings page).");
  const result = await authenticateToken(deps.db, token);
  if (!result.ok) return result;
  const { actor, token: used } = result.value;
  return ok({ ...actor, origin: { via: "token", id: used.id, clientAddress } });
}

/** A JSON body of the route's media type, read whole up to MAX_JSON_BODY. */
async function readJson(req: IncomingMessage, mediaType: string): Promise<Result<unknown>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== mediaType) return fail("invalid", `Send the body as ${mediaType}${type ? `, not ${type}` : ""}.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) return fail("too_large", `The body is at most ${MAX_JSON_BODY >> 10} KiB.`);
    chunks.push(chunk);
  }
  try {
    return ok(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch {
    return fail("invalid", "The body is not JSON.");
  }
}

async function reply(req: IncomingMessage, res: ServerResponse, answer: GlanceAnswer): Promise<void> {
  if ("json" in answer) {
    send(req, res, answer.status, answer.json, answer.headers);
    return;
  }
  res.writeHead(answer.status, { "cache-control": "no-store", ...answer.headers });
  if (!("stream" in answer) || req.method === "HEAD") {
    if ("stream" in answer) answer.stream.destroy();
    res.end();
    return;
  }
  try {
    await pipeline(answer.stream, res);
  } catch (error) {
    // A client that goes away mid-download is normal.
    if ((error as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
  }
}

/** Why a request got no answer from a route: a domain error, or one only HTTP has (no such method here), with its headers. */
type Refusal = { code: HttpErrorCode; message: string; headers?: Record<string, string> };

/** The route's answer to a request, or why there is none: the path, the token, the body and the domain, in that order. */
async function answerTo(
  deps: GlanceDeps,
  trust: ForwardingTrust,
  req: IncomingMessage,
): Promise<{ ok: true; value: GlanceAnswer } | { ok: false; error: Refusal }> {
  const client = clientInfo(req, trust);
  const url = new URL(req.url ?? "/", "http://glance.invalid");
  let found: ReturnType<typeof routeFor>;
  try {
    found = routeFor(req.method ?? "", url.pathname);
  } catch {
    return fail("invalid", "The path is not valid percent-encoded UTF-8.");
  }
  if ("allowed" in found) {
    if (found.allowed.length === 0) return fail("not_found", "There is no such path in Hangar's Image API (v2).");
    const allow = found.allowed.join(", ");
    return { ok: false, error: { code: "method_not_allowed", message: `This path answers ${allow}.`, headers: { allow } } };
  }
  const { route, params } = found;
  let actor: Actor | null = null;
  if (route.auth) {
    const auth = await authenticate(deps, req, client.address);
    if (!auth.ok) return auth;
    actor = auth.value;
  }
  let body: unknown = null;
  if (route.body) {
    const read = await readJson(req, route.body.json);
    if (!read.ok) return read;
    body = read.value;
  }
  const root = `${client.secure ? "https" : "http"}://${req.headers.host ?? "localhost"}`;
  return route.handle({ req, deps, actor, params, query: url.searchParams, clientAddress: client.address, root, body });
}

async function handle(deps: GlanceDeps, trust: ForwardingTrust, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const answer = await answerTo(deps, trust, req);
  if (answer.ok) await reply(req, res, answer.value);
  else sendError(req, res, answer.error.code, answer.error.message, answer.error.headers, routeOf(req)?.errors);
}

/** The route of a request, if it has one. */
function routeOf(req: IncomingMessage): GlanceRoute | null {
  try {
    const found = routeFor(req.method ?? "", new URL(req.url ?? "/", "http://glance.invalid").pathname);
    return "route" in found ? found.route : null;
  } catch {
    return null;
  }
}

/** The connection guard's kind of a request: its route's (lib/glance/routes.ts). */
const kindOf = (req: IncomingMessage): "transfer" | "request" => routeOf(req)?.kind ?? "request";

export interface GlanceListenOptions {
  port: number;
  hostname: string;
  trust: ForwardingTrust;
  /** The process's requests in flight, for a graceful shutdown (lib/server/shutdown.ts). */
  inFlight?: InFlight;
  /** A line per request (HANGAR_LOG_FORMAT=json, as the portal's: lib/glance/access-log.ts). */
  accessLog?: boolean;
}

/**
 * The Glance API at the root of its own listener (Glance's clients build `next` links and version URLs from the
 * root, and break under a path prefix), in the same process as the portal, with the same connection guard.
 */
export async function startGlanceListener(deps: GlanceDeps, options: GlanceListenOptions): Promise<Server> {
  const { server } = createGuardedServer(connectionLimits(), { trust: options.trust, kindOf }, (req, res) => {
    const requestId = requestIdFor(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    withRequestId(requestId, () => {
      if (options.accessLog) logGlanceRequest(req, res, clientInfo(req, options.trust).address);
      const handled = handle(deps, options.trust, req, res).catch((error: unknown) => {
        console.error("glance: request failed", error);
        if (!res.headersSent) sendError(req, res, "internal", "Internal error.");
        else res.destroy();
      });
      options.inFlight?.track(res, handled);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => console.error(`glance: accepting a connection failed: ${error.message}`));
  return server;
}
