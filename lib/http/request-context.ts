/**
 * What the front door (front-door.ts) learnt about a request, passed on to Next's pages, actions and
 * route handlers as request headers. The front door removes any a client sent and sets its own, so
 * code behind it can trust them; without the front door (unit tests) they are simply absent.
 */
export const CLIENT_ADDRESS_HEADER = "x-hangar-client-address";
export const SECURE_HEADER = "x-hangar-secure";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function read(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The client's address as the front door determined it (HANGAR_TRUSTED_PROXIES), or null when unknown. */
export const clientAddressOf = (headers: HeaderSource): string | null => read(headers, CLIENT_ADDRESS_HEADER) || null;

/** Whether the client reached Hangar over HTTPS: then cookies are Secure and HSTS is sent. */
export const isSecureRequest = (headers: HeaderSource): boolean => read(headers, SECURE_HEADER) === "1";
