import { format } from "node:util";
import { currentRequestId } from "./request-id";

export type LogLevel = "info" | "warn" | "error";

/** One log line: time, level, message and fields, and the id of the request it happened in, if any. */
export function jsonLine(level: LogLevel, message: string, fields: Record<string, unknown> = {}, now = new Date()): string {
  const requestId = currentRequestId();
  return JSON.stringify({ time: now.toISOString(), level, msg: message, ...(requestId === undefined ? {} : { requestId }), ...fields });
}

/** Writes a line with fields (the access log), to stdout or, for warnings and errors, stderr. */
export function logLine(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
  (level === "info" ? process.stdout : process.stderr).write(`${jsonLine(level, message, fields)}\n`);
}

/** The console methods the server and its libraries write with, and the level of each. */
const CONSOLE_LEVELS = { log: "info", info: "info", debug: "info", warn: "warn", error: "error" } as const satisfies Record<string, LogLevel>;

/**
 * HANGAR_LOG_FORMAT=json: every console line of the server process (Hangar's, Next's, libraries')
 * becomes one JSON object per line, with the request id (lib/log/request-id.ts). A message that spans
 * lines (a stack) stays one line, its newlines escaped.
 */
export function logAsJsonLines(): void {
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
    console[method as keyof typeof CONSOLE_LEVELS] = (...args: unknown[]) => logLine(level, format(...args));
  }
}

/** The log format of this process: "json" or "text" (the default: a person reading a terminal). */
export function logFormat(env: Record<string, string | undefined> = process.env): "json" | "text" {
  const value = env.HANGAR_LOG_FORMAT ?? "text";
  if (value !== "json" && value !== "text") throw new Error(`HANGAR_LOG_FORMAT is "json" or "text", not ${JSON.stringify(value)}.`);
  return value;
}
