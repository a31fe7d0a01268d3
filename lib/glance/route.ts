import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { Actor } from "../auth/actor";
import type { Result } from "../result";
import type { GlanceDeps } from "./deps";

// The shape of a Glance route, apart from the table of them (routes.ts): the Identity routes the table takes in
// (identity-routes.ts) are written against it without importing the table.

/** What a route answers: JSON, or a stream of bytes with its headers, or nothing (204). */
export type GlanceAnswer = { status: number; headers?: Record<string, string> } & ({ json: unknown } | { stream: Readable } | { empty: true });

export interface GlanceRequest {
  req: IncomingMessage;
  deps: GlanceDeps;
  /** Null on the routes that need no token. */
  actor: Actor | null;
  /** The path's parameters, decoded. */
  params: string[];
  query: URLSearchParams;
  /** The client's address (behind trusted proxies, the one they forwarded), for sign-in throttling and the audit trail. */
  clientAddress: string;
  /** Scheme and host the client reached, for Glance's absolute version links. */
  root: string;
  /** The body parsed as JSON, for routes that take one. */
  body: unknown;
}

export interface GlanceRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The whole path, its parameters as groups. */
  path: RegExp;
  /** Whether it needs X-Auth-Token (the version documents and schemas do not, as they describe the API). */
  auth: boolean;
  /** A JSON body of that media type, read whole (bounded) before the handler; the data routes read theirs. */
  body?: { json: string };
  /** "transfer": the data routes, which stream for as long as bytes move (lib/server/connection-guard.ts); the others must arrive whole in seconds. */
  kind?: "transfer";
  /** The error body of this route's refusals, when not the REST API's shape (Identity answers in Keystone's). */
  errors?: (status: number, message: string) => unknown;
  handle(request: GlanceRequest): Promise<Result<GlanceAnswer>>;
}
