import type { IncomingMessage, ServerResponse } from "node:http";
import { apiMethodsFor } from "../api/allowed-methods";
import { errorBody, type HttpErrorCode } from "../result";
import { MAX_ACTION_BODY } from "./action-body";
import { clientInfo, type ForwardingTrust, parseTrustedProxies } from "./forwarding";
import { foreignOrigin } from "./origin";
import { CLIENT_ADDRESS_HEADER, SECURE_HEADER } from "./request-context";
import { NON_PAGE_CSP, securityHeaders } from "./security-headers";

// Methods Next and the raw routes know. Others (TRACE, PROPFIND...) make Next fail with a 500.
const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
// Pages answer these: POST carries server actions.
const PAGE_METHODS = ["GET", "HEAD", "POST"];
const AUTH_METHODS = ["GET", "POST"];

export interface FrontDoorOptions {
  trust: ForwardingTrust;
  /** NEXTAUTH_URL is https: the operator says clients reach Hangar over HTTPS, whatever the hop before us. */
  publicHttps: boolean;
}

export function frontDoorOptions(env: NodeJS.ProcessEnv): FrontDoorOptions {
  return { trust: parseTrustedProxies(env.HANGAR_TRUSTED_PROXIES), publicHttps: env.NEXTAUTH_URL?.startsWith("https:") ?? false };
}

// Read once when the server starts, so that a bad HANGAR_TRUSTED_PROXIES stops it with its message.
const FROM_ENV = frontDoorOptions(process.env);

interface Refusal {
  status: number;
  code: HttpErrorCode;
  message: string;
  headers?: Record<string, string>;
}

const sanitized = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

function refuse(req: IncomingMessage, res: ServerResponse, pathname: string, address: string, refusal: Refusal): true {
  // A client's mistake or probe: one line, no stack.
  console.warn(`refused ${sanitized(req.method ?? "")} ${sanitized(pathname)} from ${address}: ${refusal.status} ${refusal.message}`);
  const api = pathname.startsWith("/api/");
  res.writeHead(refusal.status, {
    "content-type": api ? "application/json" : "text/plain; charset=utf-8",
    "cache-control": "no-store",
    connection: "close",
    ...refusal.headers,
  });
  res.end(api ? JSON.stringify(errorBody(refusal.code, refusal.message)) : refusal.message);
  req.resume();
  return true;
}

function methodRefusal(method: string, pathname: string): Refusal | null {
  if (pathname.startsWith("/api/")) {
    if (HTTP_METHODS.has(method)) return null;
    const allowed = pathname.startsWith("/api/v1/") ? apiMethodsFor(pathname) : AUTH_METHODS;
    if (!allowed) return { status: 404, code: "not_found", message: "There is no such API path. The OpenAPI document at /api/v1/openapi.json lists them all." };
    return { status: 405, code: "method_not_allowed", message: `This path answers ${allowed.join(", ")}.`, headers: { allow: allowed.join(", ") } };
  }
  if (PAGE_METHODS.includes(method)) return null;
  return { status: 405, code: "method_not_allowed", message: `Pages answer ${PAGE_METHODS.join(", ")}.`, headers: { allow: PAGE_METHODS.join(", ") } };
}

function actionRefusal(req: IncomingMessage): Refusal | null {
  if (req.method !== "POST" || req.headers["next-action"] === undefined) return null;
  const length = req.headers["content-length"];
  if (length === undefined) return { status: 411, code: "invalid", message: "A server action needs a Content-Length." };
  if (Number(length) > MAX_ACTION_BODY) return { status: 413, code: "too_large", message: `A server action's body is at most ${MAX_ACTION_BODY / 1024} KiB.` };
  return null;
}

function originRefusal(req: IncomingMessage): Refusal | null {
  const origin = foreignOrigin(req);
  if (origin === null) return null;
  return {
    status: 403,
    code: "forbidden",
    message: `This request came from another site (${sanitized(origin)}) with your session: Hangar refuses it, so that no other page can act for you. Use Hangar's own pages, or an API token for scripts.`,
  };
}

function pathRefusal(pathname: string): Refusal | null {
  try {
    decodeURIComponent(pathname);
    return null;
  } catch {
    return { status: 400, code: "invalid", message: "The path is not valid percent-encoded UTF-8." };
  }
}

/**
 * The first thing every request meets, the raw streaming routes' included: refuses what Next would
 * answer with a 500 (an unknown method, a path that does not decode, an oversized server action), and a
 * state-changing request another site made with the user's cookie (lib/http/origin.ts); tells
 * what follows who the client is (client-address and secure headers, see request-context.ts) and sets
 * the security headers. Returns true when it has answered the request itself.
 */
export function answeredAtFrontDoor(req: IncomingMessage, res: ServerResponse, options: FrontDoorOptions = FROM_ENV): boolean {
  const client = clientInfo(req, options.trust);
  const secure = client.secure || options.publicHttps;
  for (const [name, value] of Object.entries(securityHeaders({ secure }))) res.setHeader(name, value);
  // Pages replace it with their own policy and nonce (proxy.ts).
  res.setHeader("content-security-policy", NON_PAGE_CSP);

  const pathname = (req.url ?? "/").split("?")[0] ?? "/";
  const method = req.method ?? "";
  const refusal = methodRefusal(method, pathname) ?? pathRefusal(pathname) ?? actionRefusal(req) ?? originRefusal(req);
  if (refusal) return refuse(req, res, pathname, client.address, refusal);

  req.headers[CLIENT_ADDRESS_HEADER] = client.address;
  req.headers[SECURE_HEADER] = secure ? "1" : "0";
  return false;
}
