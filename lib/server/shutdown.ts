import type { Server } from "node:http";
import { type Env, nonNegative, positive, readEnv } from "../env";
import { parseDuration } from "../units";
import type { InFlight } from "./in-flight";

export interface ShutdownConfig {
  /** From the signal until the node stops accepting: /readyz answers 503 meanwhile, so the balancer sends new requests elsewhere. */
  delayMs: number;
  /** Then how long requests in flight (uploads' PATCHes among them) and background work may take to end before connections are cut. */
  graceMs: number;
}

/** HANGAR_SHUTDOWN_DELAY (default 0: a single node has nowhere to send requests) and HANGAR_SHUTDOWN_GRACE (default 30 s). */
export function shutdownConfig(env: Env = process.env): ShutdownConfig {
  return {
    delayMs: readEnv(env, "HANGAR_SHUTDOWN_DELAY", nonNegative(parseDuration), 0, "a duration such as 5s"),
    graceMs: readEnv(env, "HANGAR_SHUTDOWN_GRACE", positive(parseDuration), 30_000, "a duration such as 30s"),
  };
}

/** Whether this node is shutting down: /readyz reads it. */
export interface Draining {
  active: boolean;
}

/** What a node stops, in this order. */
export interface ShutdownPlan {
  server: Server;
  /** Other listeners of this process (the Glance API's: lib/glance/server.ts), stopped with the first. */
  listeners?: Server[];
  inFlight: InFlight;
  draining: Draining;
  /** Background work: each stops taking more and resolves once what it runs has ended (periodic jobs, validations). */
  background: (() => Promise<void>)[];
  /** Last, once no request or background work uses them: the database, locks held for the cluster. */
  resources: (() => Promise<void>)[];
}

/** How long cut requests get to record what they received (a PATCH writes its offset) before the resources close anyway. */
const AFTER_CUT_MS = 5000;

const sleep = (ms: number, hurry: Promise<void>) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void hurry.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * A graceful stop: /readyz turns 503 first, and for `delayMs` the node still serves while the balancer takes it
 * out; then it stops accepting, closes idle kept-alive connections, and lets requests in flight and background work
 * end for up to `graceMs`. Connections still open then are cut: a tus PATCH keeps the bytes that arrived and the
 * client resumes from that offset on another node, or here after a restart; a validation still running is resumed
 * at the next start (its image stays "validating"). Resolves with how many requests were cut, once the resources
 * are closed. `hurry` (a second signal) skips what is left of the waits.
 */
export async function shutDown(plan: ShutdownPlan, config: ShutdownConfig, hurry: Promise<void> = new Promise(() => undefined)): Promise<number> {
  plan.draining.active = true;
  await sleep(config.delayMs, hurry);
  const servers = [plan.server, ...(plan.listeners ?? [])];
  for (const server of servers) server.close();
  // A kept-alive connection between requests would otherwise hold the server open; those that finish a request later are closed as they do.
  const closeIdle = () => servers.forEach((server) => server.closeIdleConnections());
  closeIdle();
  const closingIdle = setInterval(closeIdle, 250);
  const background = Promise.all(
    plan.background.map((stop) => stop().catch((error: unknown) => console.error("shutdown: stopping background work failed", error))),
  );
  const ended = Promise.all([plan.inFlight.settled(), background]).then(() => true);
  const inTime = await Promise.race([ended, sleep(config.graceMs, hurry).then(() => false)]);
  clearInterval(closingIdle);
  const cut = inTime ? 0 : plan.inFlight.size;
  if (!inTime) {
    for (const server of servers) server.closeAllConnections();
    await Promise.race([plan.inFlight.settled(), sleep(AFTER_CUT_MS, hurry)]);
  }
  for (const close of plan.resources) await close().catch((error: unknown) => console.error("shutdown: closing failed", error));
  return cut;
}

/** On SIGTERM or SIGINT, shuts the node down (shutDown) and exits 0; a second signal hurries it. */
export function shutDownOnSignals(plan: ShutdownPlan, config: ShutdownConfig): void {
  let hurry: () => void = () => undefined;
  const hurried = new Promise<void>((resolve) => {
    hurry = resolve;
  });
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      console.log(`${signal} again: cutting what is left of the shutdown short`);
      hurry();
      return;
    }
    started = true;
    console.log(
      `${signal}: shutting down (not ready for ${config.delayMs / 1000} s, then up to ${config.graceMs / 1000} s for requests in flight and background work)`,
    );
    void shutDown(plan, config, hurried).then(
      (cut) => {
        console.log(cut > 0 ? `shut down, ${cut} request${cut > 1 ? "s" : ""} cut at the end of the grace period` : "shut down");
        process.exit(0);
      },
      (error: unknown) => {
        console.error("shutdown failed", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
