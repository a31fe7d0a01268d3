import type { ServerResponse } from "node:http";

/**
 * The requests a server is answering. One counts from its arrival until both its response has closed and its
 * handler has settled: a tus PATCH whose connection is cut still records the bytes that arrived, and a shutdown
 * must wait for that too, not only for the socket.
 */
export class InFlight {
  private readonly open = new Set<Promise<void>>();
  private waiting: (() => void)[] = [];

  track(res: ServerResponse, handled: Promise<unknown>): void {
    const closed = new Promise<void>((resolve) => (res.closed ? resolve() : res.once("close", () => resolve())));
    const done = Promise.all([closed, handled.catch(() => undefined)]).then(() => undefined);
    this.open.add(done);
    void done.then(() => {
      this.open.delete(done);
      if (this.open.size === 0) for (const resolve of this.waiting.splice(0)) resolve();
    });
  }

  get size(): number {
    return this.open.size;
  }

  /** Resolves when no request is in flight. */
  settled(): Promise<void> {
    return this.open.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}
