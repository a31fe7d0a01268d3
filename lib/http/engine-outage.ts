import { AsyncLocalStorage } from "node:async_hooks";
import type { ServerResponse } from "node:http";

/** The engines a request depends on: PostgreSQL (or SQLite) and the object store (or the image directory). */
export type Engine = "database" | "store";

/** What an error that means "an engine is away" is answered with: 503, a Retry-After, and a sentence for a person. */
export interface Outage {
  engine: Engine;
  status: 503;
  message: string;
  headers: { "retry-after": string };
}

/** Seconds a client waits before trying again: PostgreSQL and RGW restart in a few (docs/decisions.md, "Engines going away"). */
export const RETRY_AFTER_SECONDS = 5;

const MESSAGES: Record<Engine, string> = {
  database: `Hangar cannot reach its database at the moment (it may be restarting). Try again in ${RETRY_AFTER_SECONDS} seconds; if this goes on, tell your administrator.`,
  store: `Hangar cannot reach its image store at the moment (it may be restarting). Try again in ${RETRY_AFTER_SECONDS} seconds; if this goes on, tell your administrator.`,
};

/** The socket errors of a server that is down, restarting or unreachable. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "ECONNABORTED"]);
/** Prisma's codes for a database it cannot reach, that timed out, closed the connection, or has no connection left. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
/** Prisma's driver adapters' names for the same (the cause of a raw query's P2010, or thrown as they are). */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** SQLSTATE: a connection exception (class 08), or the server shutting down, crashed, or starting (57P01-57P03). */
const SQLSTATE = /^(?:08[0-9A-Z]{3}|57P0[123])$/;
/** node-postgres's own messages for a connection it lost or could not get in time. */
const PG_MESSAGES =
  /^(?:Connection terminated(?: unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)$/;
/** The AWS SDK's names for an endpoint that did not answer in time or asked to slow down. */
const SDK_NAMES = new Set(["TimeoutError", "RequestTimeout", "ServiceUnavailable", "SlowDown", "ThrottlingException"]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  kind?: unknown;
  severity?: unknown;
  clientVersion?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

const isNetwork = (error: ErrorLike) => typeof error.code === "string" && NETWORK_CODES.has(error.code);

/**
 * How each engine's clients say it is away, in one table: the first row that matches names the engine. The AWS
 * SDK puts `$metadata` on every error it throws, its network errors included; PostgreSQL is the only other engine
 * reached over the network while a request is answered, so a bare socket error is the database's (node-postgres's
 * connect, as the upload locker sees it).
 */
const OUTAGES: { engine: Engine; matches: (error: ErrorLike) => boolean }[] = [
  { engine: "store", matches: (e) => e.$metadata !== undefined && (isNetwork(e) || SDK_NAMES.has(e.name as string) || e.$metadata.httpStatusCode === 503) },
  { engine: "database", matches: (e) => typeof e.clientVersion === "string" && typeof e.code === "string" && PRISMA_CODES.has(e.code) },
  { engine: "database", matches: (e) => typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind) },
  { engine: "database", matches: (e) => typeof e.severity === "string" && typeof e.code === "string" && SQLSTATE.test(e.code) },
  { engine: "database", matches: (e) => typeof e.message === "string" && PG_MESSAGES.test(e.message) },
  { engine: "database", matches: (e) => e.$metadata === undefined && isNetwork(e) },
];

/** The error and what it wraps: `cause` chains, and the driver adapter's error inside a Prisma error. */
function* chain(error: unknown): Generator<ErrorLike> {
  const seen = new Set<unknown>();
  for (let at = error; typeof at === "object" && at !== null && !seen.has(at) && seen.size < 8;) {
    seen.add(at);
    const current = at as ErrorLike;
    yield current;
    at = current.meta?.driverAdapterError ?? current.cause;
  }
}

/** The request being answered's record of an engine found away, for the server to answer 503 whoever caught the error. */
const seen = new AsyncLocalStorage<{ outage?: Outage }>();

/**
 * Whether `error` says the database or the image store is away (down, restarting, out of connections), and if so
 * the answer: noted for the request being answered, so that the server turns its 500 into this 503 (watchOutages).
 */
export function engineOutage(error: unknown): Outage | null {
  for (const link of chain(error)) {
    const row = OUTAGES.find((candidate) => candidate.matches(link));
    if (!row) continue;
    const outage: Outage = { engine: row.engine, status: 503, message: MESSAGES[row.engine], headers: { "retry-after": String(RETRY_AFTER_SECONDS) } };
    const request = seen.getStore();
    if (request) request.outage = outage;
    return outage;
  }
  return null;
}

/**
 * Runs `work` (the answer to one request) so that an outage found while answering it makes its 5xx a 503 with
 * Retry-After, whoever wrote the status: the API's routes, the tus server, and Next's error page for pages and
 * actions, which instrumentation.ts's onRequestError tells of the error before the page is written.
 */
export function watchOutages<T>(res: ServerResponse, work: () => T): T {
  const request: { outage?: Outage } = {};
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = (status: number, ...rest: unknown[]) => {
    const { outage } = request;
    if (outage && status >= 500) {
      if (!res.hasHeader("retry-after")) res.setHeader("retry-after", outage.headers["retry-after"]);
      return writeHead(outage.status, ...rest);
    }
    return writeHead(status, ...rest);
  };
  return seen.run(request, work);
}
