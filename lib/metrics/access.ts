import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Env } from "../env";
import { clientInfo, type ForwardingTrust, parseAddressList, parseTrustedProxies } from "../http/forwarding";

/** Who may read /metrics: the addresses in HANGAR_METRICS_ALLOW, and anyone sending HANGAR_METRICS_TOKEN as a bearer token. Neither set: nobody. */
export interface MetricsAccess {
  allow: ForwardingTrust;
  token: string | null;
  /** Proxies believed about the client's address (HANGAR_TRUSTED_PROXIES), so that the balancer's own address does not let everyone in. */
  proxies: ForwardingTrust;
}

/** A token shorter than this is refused at start: it is the one secret between the Internet and the metrics. */
const MIN_TOKEN_LENGTH = 16;

export function metricsAccess(env: Env = process.env): MetricsAccess {
  const token = env.HANGAR_METRICS_TOKEN?.trim() || null;
  if (token !== null && token.length < MIN_TOKEN_LENGTH)
    throw new Error(`HANGAR_METRICS_TOKEN is ${token.length} characters long; use at least ${MIN_TOKEN_LENGTH} (for example: openssl rand -hex 32).`);
  return { allow: parseAddressList(env.HANGAR_METRICS_ALLOW, "HANGAR_METRICS_ALLOW"), token, proxies: parseTrustedProxies(env.HANGAR_TRUSTED_PROXIES) };
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether the request may read the metrics: its client's address is allowed, or it sends the token (compared in constant time). */
export function mayReadMetrics(req: Pick<IncomingMessage, "headers" | "socket">, access: MetricsAccess): boolean {
  if (access.allow.trusts(clientInfo(req, access.proxies).address)) return true;
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
  return access.token !== null && sent !== undefined && timingSafeEqual(digest(sent), digest(access.token));
}
