import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { logLine } from "../log/json-lines";

/** Query parameters whose values are the shape of a request (paging, order), logged as sent; every other value is a client's text, and is not. */
const LOGGED_VALUES = new Set(["limit", "marker", "sort", "sort_key", "sort_dir", "visibility", "status", "os_hidden", "member_status"]);

/** The request's path and query for the log: values of unknown parameters (a filter, a token a client put in the URL) replaced. */
export function loggedPath(url: string): string {
  const parsed = new URL(url, "http://glance.invalid");
  if (parsed.search === "") return parsed.pathname;
  const query = [...parsed.searchParams].map(([key, value]) => `${encodeURIComponent(key)}=${LOGGED_VALUES.has(key) ? encodeURIComponent(value) : "-"}`);
  return `${parsed.pathname}?${query.join("&")}`;
}

/** What a connection had read and written when its last request was logged: a request's bytes are the difference (its head included, which arrives with the body). */
const counted = new WeakMap<Socket, { read: number; written: number }>();

/**
 * The Glance listener's access log, one JSON line per request when its response is done or its connection gone (as
 * the portal's, lib/log/access-log.ts): method, path, status, bytes read and written on the wire for it, duration,
 * and the client's address (X-Forwarded-For only from a trusted proxy). Never a header: X-Auth-Token is a Hangar token.
 */
export function logGlanceRequest(req: IncomingMessage, res: ServerResponse, clientAddress: string, started = performance.now()): void {
  const { socket } = req;
  res.once("close", () => {
    const before = counted.get(socket) ?? { read: 0, written: 0 };
    const now = { read: socket.bytesRead, written: socket.bytesWritten };
    counted.set(socket, now);
    logLine(res.statusCode >= 500 ? "error" : "info", "glance request", {
      method: req.method,
      path: loggedPath(req.url ?? "/"),
      status: res.statusCode,
      bytesIn: now.read - before.read,
      bytesOut: now.written - before.written,
      ms: Math.round(performance.now() - started),
      client: clientAddress,
      ...(res.writableFinished ? {} : { aborted: true }),
    });
  });
}
