import net from "node:net";

/** What became of a connection the test holds open: what the server sent, and whether it closed the connection. */
export interface HeldConnection {
  socket: net.Socket;
  /** Bytes the server sent so far, as text. */
  received(): string;
  /** Resolves when the connection is closed (by either side), with what the server sent. */
  closed: Promise<string>;
  isClosed(): boolean;
}

/**
 * Opens a TCP connection to the server's host and port and writes `start` (a request's head and
 * maybe some of its body), then holds the connection: the test decides what comes next.
 * `localAddress` picks the client's address (any of 127.0.0.0/8 on loopback).
 */
export function holdConnection(url: string, start: string | Buffer, localAddress?: string): HeldConnection {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port), localAddress });
  let text = "";
  let closed = false;
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
  });
  // A reset is a way of closing too; the test reads what arrived.
  socket.on("error", () => undefined);
  socket.write(start);
  return {
    socket,
    received: () => text,
    closed: new Promise((resolve) =>
      socket.once("close", () => {
        closed = true;
        resolve(text);
      }),
    ),
    isClosed: () => closed,
  };
}

/** A request head as bytes on the wire. */
export function requestHead(method: string, path: string, url: string, headers: Record<string, string | number>): string {
  const host = new URL(url).host;
  const lines = Object.entries({ host, ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/** Resolves with the promise's value, or with `fallback` once `ms` have passed: waits in tests are bounded. */
export function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Waits until every connection is established or closed. */
export async function settled(connections: HeldConnection[]): Promise<void> {
  await Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (!connection.socket.connecting || connection.isClosed()) resolve();
          connection.socket.once("connect", () => resolve());
          void connection.closed.then(() => resolve());
        }),
    ),
  );
}
