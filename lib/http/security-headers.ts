/**
 * Headers every answer carries, pages, the API and the raw streaming routes alike (front-door.ts sets
 * them before anything else runs). The pages' Content-Security-Policy needs a nonce per render and is
 * set by proxy.ts from pageContentSecurityPolicy; everything else gets NON_PAGE_CSP, which allows nothing.
 */
export function securityHeaders({ secure }: { secure: boolean }): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    // Image names and ids are in the portal's URLs: they stay inside the portal.
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=()",
    // For browsers older than CSP's frame-ancestors.
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    // A private portal: search engines that reach it anyway must not index it (public/robots.txt says so too).
    "x-robots-tag": "noindex, nofollow",
    // Only over HTTPS: a browser ignores it over HTTP, and it must not pin a site that is only reachable over HTTP.
    ...(secure ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}

/** For JSON, files and everything that is not a page: nothing may load, nothing may frame it. */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The pages' policy: scripts only from this origin and with this render's nonce (Next puts it on its own
 * scripts, 'strict-dynamic' lets them load the chunks they import); WebAssembly for the browser-side
 * inspector's hashes; no framing by anyone. Styles allow inline: Radix and sonner set style attributes
 * and insert style elements, and a nonce would make browsers ignore 'unsafe-inline'. In development
 * React needs eval for its error overlay.
 */
export function pageContentSecurityPolicy({ nonce, secure, dev }: { nonce: string; secure: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(secure ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}
