import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const REQUEST_ID_HEADER = "x-request-id";

/** What a balancer or client may pass as the request id: a short token, so that a log line stays one line and greppable. */
const WELL_FORMED = /^[\w.:@-]{1,128}$/;

const current = new AsyncLocalStorage<string>();

/** The request's id: the one the balancer (or client) sent in X-Request-Id when well formed, else a new one. */
export function requestIdFor(req: Pick<IncomingMessage, "headers">): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(sent) ? sent[0] : sent;
  return value !== undefined && WELL_FORMED.test(value) ? value : randomUUID();
}

/** Runs `work` with `id` as the request id of everything it logs, awaits included. */
export function withRequestId<T>(id: string, work: () => T): T {
  return current.run(id, work);
}

/** The id of the request being handled, or undefined outside one (start, background jobs). */
export const currentRequestId = (): string | undefined => current.getStore();
