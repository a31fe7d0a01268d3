import type { Check, ImageFormat } from "@/lib/inspect/report";

/** What the browser learned from a file's first bytes, before sending any. */
export type Precheck =
  | { state: "checking" }
  | { state: "accepted"; format: ImageFormat; virtualSize: number | null }
  | { state: "rejected"; checks: Check[] }
  | { state: "unchecked"; reason: string };

/**
 * Runs lib/inspect's format checks on the file's first bytes, the same code
 * the server validates with, so an obviously wrong file is refused with the
 * server's own message before a byte is sent.
 * Interim: lib/inspect's entry point has not landed; until then nothing is checked here.
 */
export async function precheckFile(_file: File): Promise<Precheck> {
  return { state: "unchecked", reason: "The format is checked after the upload." };
}
