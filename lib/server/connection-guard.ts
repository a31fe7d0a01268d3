import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { type ForwardingTrust, plainAddress } from "../http/forwarding";
import { errorBody } from "../result";
import type { ConnectionLimits } from "./connection-limits";

/**
 * What a request is, for its deadlines: a transfer (a tus request, a download) goes on for as long as
 * bytes move; any other request must arrive whole within seconds.
 */
export type RequestKind = "transfer" | "request";

interface Connection {
  socket: Socket;
  address: string;
  /** Counted against its address's cap: false for a trusted proxy, which carries many clients. */
  capped: boolean;
  /** When bytes last moved either way, or a request began or ended. */
  lastProgress: number;
  /** bytesRead + bytesWritten when last looked at. */
  bytes: number;
  /** The connection's latest request. */
  request: { kind: RequestKind; startedAt: number; req: IncomingMessage; res: ServerResponse; answered: boolean } | null;
}

/** How often deadlines are checked and progress is noted: deadlines are in seconds, so a second of slack. */
const SWEEP_MS = 1000;
/** At most one summary line of what was cut, this often, however many connections an attack brings. */
const REPORT_MS = 10_000;

/** The client is what the transfer waits for: its body is being read and nothing is left to read, or the answer waits for the client to take it. */
function waitingForClient({ req, res }: NonNullable<Connection["request"]>): boolean {
  const receiving = !req.complete && req.readableFlowing === true && req.readableLength === 0;
  return receiving || res.writableNeedDrain;
}

/** A request that has arrived whole and is being answered is the server's work: it is never cut for room. */
const beingAnswered = ({ request }: Connection) => request?.kind === "request" && request.req.complete && !request.answered;

type Cut = "timeout" | "idle" | "evicted" | "refused";

/** The deadlines the sweep enforces, in order; the first that applies to a connection ends it. */
const DEADLINES: { cut: Cut; passed(connection: Connection, now: number, limits: ConnectionLimits): boolean }[] = [
  {
    cut: "timeout",
    passed: ({ request }, now, limits) => request?.kind === "request" && !request.req.complete && now - request.startedAt > limits.bodyTimeoutMs,
  },
  {
    cut: "idle",
    passed: (connection, now, limits) =>
      connection.request?.kind === "transfer" && now - connection.lastProgress > limits.transferIdleMs && waitingForClient(connection.request),
  },
];

export interface ConnectionGuard {
  /** Connections held now, and how many were cut since the start, by reason. */
  stats(): { open: number } & Record<Cut, number>;
}

/**
 * Holds a server's connections to the limits (connection-limits.ts): a request body that stops coming
 * gets a 408 at its deadline, a transfer that moves no byte for the idle time is ended, and the
 * connections of one address and of the whole server are capped. At a cap, a new connection takes the
 * place of the one whose bytes moved longest ago (a stalled or idle one, never a request being
 * answered), so that a flood of stalled connections cannot keep out a client that sends its request.
 */
export interface GuardOptions {
  /** Proxies whose connections carry many clients: not counted against one address's cap. */
  trust: ForwardingTrust;
  kindOf: (req: IncomingMessage) => RequestKind;
}

export function guardConnections(server: Server, limits: ConnectionLimits, { trust, kindOf }: GuardOptions): ConnectionGuard {
  // Both kept in the order of lastProgress, oldest first (a Map keeps insertion order; progress re-inserts).
  const all = new Map<Socket, Connection>();
  const byAddress = new Map<string, Map<Socket, Connection>>();
  const counts: Record<Cut, number> = { timeout: 0, idle: 0, evicted: 0, refused: 0 };
  let reported = { ...counts };
  let reportedAt = Date.now();

  const ofAddress = (address: string) => {
    let connections = byAddress.get(address);
    if (!connections) byAddress.set(address, (connections = new Map<Socket, Connection>()));
    return connections;
  };

  function progressed(connection: Connection, now = Date.now()) {
    connection.lastProgress = now;
    all.delete(connection.socket);
    all.set(connection.socket, connection);
    if (connection.capped) {
      const mine = ofAddress(connection.address);
      mine.delete(connection.socket);
      mine.set(connection.socket, connection);
    }
  }

  function forget(connection: Connection) {
    all.delete(connection.socket);
    const mine = byAddress.get(connection.address);
    mine?.delete(connection.socket);
    if (mine?.size === 0) byAddress.delete(connection.address);
  }

  /** Ends the connection whose bytes moved longest ago among these, unless all are being answered. */
  function evictFrom(connections: Map<Socket, Connection>): boolean {
    for (const connection of connections.values()) {
      if (beingAnswered(connection)) continue;
      forget(connection);
      connection.socket.destroy();
      counts.evicted += 1;
      return true;
    }
    return false;
  }

  function timeOut(connection: Connection) {
    const { req, res } = connection.request ?? {};
    if (!req || !res || res.headersSent) {
      connection.socket.destroy();
      return;
    }
    const message = `The request's body did not arrive within ${limits.bodyTimeoutMs / 1000} seconds. Send it again.`;
    const api = (req.url ?? "").startsWith("/api/");
    const body = api ? JSON.stringify(errorBody("timeout", message)) : message;
    res.writeHead(408, {
      "content-type": api ? "application/json" : "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      connection: "close",
    });
    res.end(body);
  }

  server.on("connection", (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress ?? "");
    const capped = !trust.trusts(address);
    const full = (connections: Map<Socket, Connection>, limit: number) => connections.size >= limit && !evictFrom(connections);
    if ((capped && full(ofAddress(address), limits.maxConnectionsPerAddress)) || full(all, limits.maxConnections)) {
      counts.refused += 1;
      socket.destroy();
      return;
    }
    const connection: Connection = { socket, address, capped, lastProgress: Date.now(), bytes: 0, request: null };
    progressed(connection);
    socket.once("close", () => forget(connection));
  });

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const connection = all.get(req.socket);
    if (!connection) return;
    const request = { kind: kindOf(req), startedAt: Date.now(), req, res, answered: false };
    connection.request = request;
    progressed(connection);
    // The record stays until the next request: answered before its body came (a refusal), Node still reads the rest to
    // keep the connection, and the deadlines hold for that too.
    res.once("close", () => {
      request.answered = true;
      // A response also closes when its connection was cut: that connection is gone, and must not come back to be cut again.
      if (!connection.socket.destroyed) progressed(connection);
    });
  });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const connection of [...all.values()]) {
      const bytes = connection.socket.bytesRead + connection.socket.bytesWritten;
      if (bytes !== connection.bytes) {
        connection.bytes = bytes;
        progressed(connection, now);
      }
      // The body deadline counts from the headers whatever trickles in: a byte a second does not keep a request alive.
      const deadline = DEADLINES.find((rule) => rule.passed(connection, now, limits));
      if (!deadline) continue;
      counts[deadline.cut] += 1;
      if (deadline.cut === "timeout") timeOut(connection);
      else connection.socket.destroy();
    }
    if (now - reportedAt >= REPORT_MS) report();
  }, SWEEP_MS);
  sweep.unref();
  server.once("close", () => clearInterval(sweep));

  function report() {
    reportedAt = Date.now();
    const since = (Object.keys(counts) as Cut[]).filter((cut) => counts[cut] > reported[cut]).map((cut) => `${counts[cut] - reported[cut]} ${cut}`);
    reported = { ...counts };
    // One line for what may be thousands of connections, without addresses: an attack must not flood the log.
    if (since.length > 0) console.warn(`connections cut in the last ${REPORT_MS / 1000} s: ${since.join(", ")} (${all.size} open)`);
  }

  return { stats: () => ({ open: all.size, ...counts }) };
}

/** An HTTP server with Node's own limits set from `limits` (headers deadline, keep-alive) and the guard for the rest. */
export function createGuardedServer(limits: ConnectionLimits, options: GuardOptions, listener: RequestListener): { server: Server; guard: ConnectionGuard } {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Node's one request timeout would cut a long upload PATCH over a slow link: the guard gives each kind of request its own.
      requestTimeout: 0,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node checks the headers deadline (30 s by default, which would let slow headers run three times over).
      connectionsCheckingInterval: 1000,
    },
    listener,
  );
  return { server, guard: guardConnections(server, limits, options) };
}
