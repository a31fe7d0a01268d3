import dns from "node:dns";
import net, { type LookupFunction } from "node:net";
import { cidrContains, forbiddenClass } from "./addresses";
import type { AllowEntry, ImportConfig } from "./config";
import { ImportFailure } from "./errors";
import { GuardedResponse } from "./guarded-response";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const hostMatches = (entry: string, host: string) => (entry.startsWith("*.") ? host.endsWith(entry.slice(1)) : host === entry);

/**
 * Why an import may not connect to `address` (which `host` resolved to), or null when it may: a public
 * address, or one the administrator's allowlist names by host or by block.
 */
export function refusalFor(allow: AllowEntry[], host: string, address: string): string | null {
  const kind = forbiddenClass(address);
  if (kind === null) return null;
  const name = host.toLowerCase();
  if (allow.some((entry) => (entry.kind === "host" ? hostMatches(entry.name, name) : cidrContains(entry, address)))) return null;
  const shown = host === address ? address : `${host} (${address})`;
  return `${shown} is a ${kind} address: imports may not reach it unless an administrator allows it in HANGAR_IMPORT_ALLOW.`;
}

/**
 * A DNS lookup that drops the addresses the import may not reach, at connect time: whatever the name
 * resolves to when the socket opens is what is checked, so a name that changes its answer (DNS
 * rebinding) gets no second chance.
 */
export function guardedLookup(allow: AllowEntry[]): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, "", 0);
        return;
      }
      const allowed = addresses.filter(({ address }) => refusalFor(allow, hostname, address) === null);
      if (allowed.length === 0) {
        const first = addresses.at(0);
        const reason = first ? refusalFor(allow, hostname, first.address) : null;
        callback(new ImportFailure("forbidden", reason ?? `${hostname} has no address.`), "", 0);
      } else if (options.all) (callback as unknown as (error: null, addresses: dns.LookupAddress[]) => void)(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

/** A URL an import may fetch: http or https, no credentials in it (they would land in logs and the database). */
export function parseImportUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL: give one such as https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `Only http and https URLs can be imported, not ${url.protocol.replace(/:$/, "")}.`;
  if (url.username || url.password) return "Put no user name or password in the URL: imports fetch public files.";
  return url;
}

export interface OpenOptions {
  config: Pick<ImportConfig, "allow" | "maxRedirects" | "idleTimeoutMs" | "ca">;
  /** Ask for the bytes from here on (Range), if the server has them. */
  offset?: number;
  /** The ETag or Last-Modified of the first response: a resumed request gets the rest of the same file or all of a new one (If-Range). */
  validator?: string | null;
  signal?: AbortSignal;
}

export interface Opened {
  response: GuardedResponse;
  /** Where the bytes come from, after redirects. */
  url: URL;
  /** Where these bytes start: the offset asked for when the server honoured the Range, else 0. */
  start: number;
  /** The whole file's length, when the server says. */
  total: number | null;
  validator: string | null;
}

function requestOnce(url: URL, options: OpenOptions, headers: Record<string, string>): Promise<GuardedResponse> {
  const { allow, idleTimeoutMs, ca } = options.config;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // An address in the URL is connected to without a lookup: it is checked here instead.
  if (net.isIP(host)) {
    const refusal = refusalFor(allow, host, host);
    if (refusal) return Promise.reject(new ImportFailure("forbidden", refusal));
  }
  return GuardedResponse.get(url, {
    headers: { "User-Agent": "Hangar image import", "Accept-Encoding": "identity", ...headers },
    lookup: guardedLookup(allow),
    // Whatever the lookup said, the socket's own peer is checked once more, before the request is sent.
    peerRefusal: (address) => {
      const refusal = refusalFor(allow, host, address);
      return refusal ? new ImportFailure("forbidden", refusal) : null;
    },
    idleTimeoutMs,
    ca,
    signal: options.signal,
  });
}

const header = (response: GuardedResponse, name: string) => {
  const value = response.headers[name];
  return typeof value === "string" ? value : null;
};

/**
 * GETs `url` for an import: follows at most `maxRedirects` redirects, each to an http(s) URL checked
 * like the first, and answers the response of the last one once it is a 2xx. A Range is honoured only
 * when the server answers 206 for exactly the bytes asked (and the same file, by If-Range).
 */
export async function openUrl(first: URL, options: OpenOptions): Promise<Opened> {
  const offset = options.offset ?? 0;
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  if (offset > 0 && options.validator) headers["if-range"] = options.validator;
  let url = first;
  for (let redirects = 0; ; redirects++) {
    const response = await requestOnce(url, options, headers);
    const status = response.statusCode;
    if (REDIRECTS.has(status)) {
      response.destroy();
      const location = header(response, "location");
      if (!location) throw new ImportFailure("http", `${url.host} answered ${status} without saying where to.`);
      if (redirects >= options.config.maxRedirects) throw new ImportFailure("http", `${first.host} redirected more than ${options.config.maxRedirects} times.`);
      const next = parseImportUrl(new URL(location, url).href);
      if (typeof next === "string") throw new ImportFailure("forbidden", `${url.host} redirected to a URL imports may not follow: ${next}`);
      url = next;
      continue;
    }
    if (status === 206 && offset > 0) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(response, "content-range") ?? "");
      if (range && Number(range[1]) === offset) {
        const total = range[3] === "*" ? null : Number(range[3]);
        return { response, url, start: offset, total, validator: options.validator ?? validatorOf(response) };
      }
      response.destroy();
      throw new ImportFailure("http", `${url.host} answered a range other than the one asked for.`, true);
    }
    if (status === 200) {
      const length = header(response, "content-length");
      return { response, url, start: 0, total: length !== null && /^\d+$/.test(length) ? Number(length) : null, validator: validatorOf(response) };
    }
    response.destroy();
    if (status === 416 && offset > 0) throw new ImportFailure("http", `${url.host} no longer has the bytes from ${offset} on: the file changed.`, true);
    throw new ImportFailure("http", `${url.host} answered ${status} ${response.statusMessage} for ${url.pathname}.`.replace(/ +for/, " for"), status >= 500);
  }
}

/** What identifies this version of the file for If-Range: a strong ETag, else Last-Modified. */
function validatorOf(response: GuardedResponse): string | null {
  const etag = header(response, "etag");
  if (etag && !etag.startsWith("W/")) return etag;
  return header(response, "last-modified");
}
