import fs from "node:fs";
import { count, type Env, positive, readEnv } from "../env";
import { parseDuration } from "../units";

/**
 * How long a client may take, and how many connections it may hold (README, "Connections and
 * timeouts"; docs/decisions.md, "Stalled clients"). Read once at start; a malformed value stops the
 * server with a message naming the variable.
 */
export interface ConnectionLimits {
  /** A request's headers must be complete this long after its first byte (Node answers 408 and closes). */
  headersTimeoutMs: number;
  /** A request that is not a transfer (pages, actions, the API's JSON, sign-in) must have sent its whole body this long after its headers. */
  bodyTimeoutMs: number;
  /** A transfer (a tus PATCH, a download) that moves no byte for this long is ended; an upload keeps what arrived and its lock goes. */
  transferIdleMs: number;
  /** A kept-alive connection with no request is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Connections one client address may hold; trusted proxies (HANGAR_TRUSTED_PROXIES) are not counted. */
  maxConnectionsPerAddress: number;
  /** Connections the server holds in all: beyond it, a new one takes the place of the connection stalled longest. */
  maxConnections: number;
}

/** The process's soft limit on open files (`ulimit -n`), from /proc; null where that cannot be read. */
export function openFileLimit(limitsFile = "/proc/self/limits"): number | null {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync(limitsFile, "utf8"));
    if (!line?.[1]) return null;
    return line[1] === "unlimited" ? Number.MAX_SAFE_INTEGER : Number(line[1]);
  } catch {
    return null;
  }
}

// Each connection is a file descriptor; the rest of the limit is kept for image files, uploads, the database and workers.
const CONNECTION_SHARE = 0.9;
// Where the limit cannot be read (not Linux): the common default soft limit.
const ASSUMED_FILE_LIMIT = 1024;
// Past this many, memory rather than descriptors is what runs out (about 5 KiB of the process's and the kernel's each, idle).
const MOST_CONNECTIONS = 50_000;

export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

export function defaultMaxConnections(fileLimit = openFileLimit()): number {
  return Math.min(MOST_CONNECTIONS, Math.floor((fileLimit ?? ASSUMED_FILE_LIMIT) * CONNECTION_SHARE));
}

const seconds = (text: string) => positive(parseDuration)(text);
const atLeastOne = (text: string) => positive(count)(text);

export function connectionLimits(env: Env = process.env, fileLimit = openFileLimit()): ConnectionLimits {
  return {
    headersTimeoutMs: readEnv(env, "HANGAR_HEADERS_TIMEOUT", seconds, 10_000, "a duration such as 10s"),
    bodyTimeoutMs: readEnv(env, "HANGAR_BODY_TIMEOUT", seconds, 30_000, "a duration such as 30s"),
    transferIdleMs: readEnv(env, "HANGAR_UPLOAD_IDLE_TIMEOUT", seconds, 60_000, "a duration such as 60s"),
    keepAliveTimeoutMs: readEnv(env, "HANGAR_KEEP_ALIVE_TIMEOUT", seconds, 5_000, "a duration such as 5s"),
    maxConnectionsPerAddress: readEnv(env, "HANGAR_MAX_CONNECTIONS_PER_ADDRESS", atLeastOne, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, "a whole number such as 256"),
    maxConnections: readEnv(env, "HANGAR_MAX_CONNECTIONS", atLeastOne, defaultMaxConnections(fileLimit), "a whole number such as 10000"),
  };
}
