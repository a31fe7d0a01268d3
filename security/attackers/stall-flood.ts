// One attacking process of security/stall-flood.test.ts: holds `connections` connections to the server, spread
// over source addresses, each sending the start of a request (headers and a few body bytes, or part of the
// headers) and then nothing; a connection the server closes is opened again after `reopenDelayMs`. Prints a
// JSON line of counts every half second; stops by itself after `seconds`, or on SIGTERM.
//
//   node --import tsx security/attackers/stall-flood.ts '{"url":…,"connections":5000,…}'
import net from "node:net";

export interface FloodPlan {
  url: string;
  connections: number;
  /** Source addresses, used in turn (127.0.0.0/8 on loopback). */
  addresses: string[];
  /** What each connection sends, used in turn. */
  requests: string[];
  seconds: number;
  reopenDelayMs: number;
  /** New connections started per tick of 50 ms while opening, so that the server's accept queue is not what refuses them. */
  openPerTick: number;
}

export interface FloodCounts {
  /** Connected and not closed. */
  open: number;
  connecting: number;
  /** Connections that were established, in all. */
  opened: number;
  /** Established connections the server closed. */
  closed: number;
  /** Connections that never got established (refused, reset). */
  failed: number;
}

const plan = JSON.parse(process.argv[2] ?? "{}") as FloodPlan;
const { hostname, port } = new URL(plan.url);
const counts: FloodCounts = { open: 0, connecting: 0, opened: 0, closed: 0, failed: 0 };
const sockets = new Set<net.Socket>();
let stopping = false;

function connect(slot: number): void {
  if (stopping) return;
  counts.connecting += 1;
  const socket = net.connect({ host: hostname, port: Number(port), localAddress: plan.addresses[slot % plan.addresses.length] });
  sockets.add(socket);
  let established = false;
  socket.once("connect", () => {
    established = true;
    counts.connecting -= 1;
    counts.open += 1;
    counts.opened += 1;
    socket.write(plan.requests[slot % plan.requests.length] ?? "");
  });
  socket.on("data", () => undefined);
  socket.on("error", () => undefined);
  socket.once("close", () => {
    sockets.delete(socket);
    if (established) {
      counts.open -= 1;
      counts.closed += 1;
    } else {
      counts.connecting -= 1;
      counts.failed += 1;
    }
    setTimeout(() => connect(slot), plan.reopenDelayMs);
  });
}

let next = 0;
const opening = setInterval(() => {
  for (let i = 0; i < plan.openPerTick && next < plan.connections; i += 1) connect(next++);
  if (next >= plan.connections) clearInterval(opening);
}, 50);
const reporting = setInterval(() => process.stdout.write(`${JSON.stringify(counts)}\n`), 500);

function stop(): void {
  stopping = true;
  clearInterval(opening);
  clearInterval(reporting);
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  for (const socket of sockets) socket.destroy();
  process.exit(0);
}
setTimeout(stop, plan.seconds * 1000);
process.on("SIGTERM", stop);
