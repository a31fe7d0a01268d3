import type { IncomingMessage } from "node:http";

// Requests that only read: a foreign page may make them (it cannot read the answer), as any link does.
const READING_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The foreign origin a state-changing request came from with the user's session cookie, or null when it came from
 * Hangar's own origin, from no browser page (no Origin: curl, the CLI, tus clients) or with a bearer token (a header
 * no other page can make a browser send without a CORS preflight, which Hangar grants no one). A browser sends
 * Origin on every POST, PATCH and DELETE; it is compared with the Host the browser addressed and with NEXTAUTH_URL
 * (the public address, when a proxy rewrites Host). This closes cross-site request forgery where SameSite=Lax does
 * not: a sibling origin of the same site, an older browser.
 */
export function foreignOrigin(req: Pick<IncomingMessage, "method" | "headers">, publicUrl = process.env.NEXTAUTH_URL): string | null {
  if (READING_METHODS.has(req.method ?? "")) return null;
  const { origin, cookie, authorization, host } = req.headers;
  if (origin === undefined || cookie === undefined || authorization?.startsWith("Bearer ")) return null;
  const own = new Set([host?.toLowerCase()]);
  if (publicUrl) own.add(URL.parse(publicUrl)?.host);
  // "null" (a sandboxed frame, a redirect across origins) and anything unparsable are foreign.
  const from = URL.parse(origin);
  return from && ["http:", "https:"].includes(from.protocol) && own.has(from.host) ? null : origin;
}
