import fs from "node:fs";
import { z } from "zod";
import { type Env, positive, readEnv } from "../env";
import { parseDuration } from "../units";
import { parseCidr } from "./addresses";

/** An allowlist entry: a host name (exact, or "*.suffix" for its subdomains) or a block of addresses. */
export type AllowEntry = { kind: "host"; name: string } | { kind: "cidr"; prefix: number[]; bits: number };

const HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

const allowEntry = z
  .string()
  .trim()
  .min(1)
  .transform((text, context): AllowEntry => {
    const cidr = parseCidr(text);
    if (cidr) return { kind: "cidr", ...cidr };
    const name = text.toLowerCase();
    if (HOST.test(name)) return { kind: "host", name };
    context.addIssue({ code: "custom", message: `"${text}" is neither a host name nor an address block such as 10.0.0.0/8` });
    return z.NEVER;
  });

/** HANGAR_IMPORT_ALLOW: comma- or space-separated host names and address blocks. */
export const allowlistSchema = z
  .string()
  .transform((text) => text.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(allowEntry));

/** The rules imports follow (README, "Importing from a URL"). */
export interface ImportConfig {
  /** Hosts and address blocks an import may reach although they are private, loopback, link-local...: empty by default. */
  allow: AllowEntry[];
  /** Redirects followed per request, each checked like the first URL. */
  maxRedirects: number;
  /** An import is given up after this long, resumes included. */
  totalTimeoutMs: number;
  /** A connection that sends nothing for this long is cut (and the import resumes). */
  idleTimeoutMs: number;
  /** How many times an import resumes after a cut before it fails. */
  maxAttempts: number;
  /** A file or directory of OpenPGP public keys (armored or binary) that signed checksum files are verified against; null: none. */
  keys: string | null;
  /** Whether a signed checksum file that no trusted key signed is used all the same (its lines unverified): refused by default. */
  acceptUntrustedSignatures: boolean;
  /** PEM certificates of CAs trusted for https imports beside the system's (an internal mirror's own CA); null: the system's only. */
  ca: string | null;
}

export const DEFAULT_IMPORT_CONFIG: ImportConfig = {
  allow: [],
  maxRedirects: 5,
  totalTimeoutMs: 12 * 3_600_000,
  idleTimeoutMs: 60_000,
  maxAttempts: 20,
  keys: null,
  acceptUntrustedSignatures: false,
  ca: null,
};

const SIGNATURE_POLICIES: Record<string, boolean> = { refuse: false, accept: true };

/** A PEM file's text, read once at start; undefined (the server stops, naming the variable) if it cannot be read or holds no certificate. */
function pemFile(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file.trim(), "utf8");
    return text.includes("-----BEGIN CERTIFICATE-----") ? text : undefined;
  } catch {
    return undefined;
  }
}

const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : undefined);

/** Reads the configuration; a malformed value stops the server with a message naming the variable. */
export function importConfig(env: Env = process.env): ImportConfig {
  const d = DEFAULT_IMPORT_CONFIG;
  const allow = allowlistSchema.safeParse(env.HANGAR_IMPORT_ALLOW ?? "");
  if (!allow.success) throw new Error(`HANGAR_IMPORT_ALLOW: ${allow.error.issues.map((issue) => issue.message).join("; ")}.`);
  return {
    allow: allow.data,
    maxRedirects: readEnv(env, "HANGAR_IMPORT_MAX_REDIRECTS", whole, d.maxRedirects, "a whole number such as 5"),
    totalTimeoutMs: readEnv(env, "HANGAR_IMPORT_TIMEOUT", positive(parseDuration), d.totalTimeoutMs, "a duration such as 12h"),
    idleTimeoutMs: readEnv(env, "HANGAR_IMPORT_IDLE_TIMEOUT", positive(parseDuration), d.idleTimeoutMs, "a duration such as 60s"),
    maxAttempts: readEnv(env, "HANGAR_IMPORT_MAX_ATTEMPTS", (text) => whole(text) || undefined, d.maxAttempts, "a whole number such as 20"),
    keys: env.HANGAR_IMPORT_KEYS?.trim() || null,
    acceptUntrustedSignatures: readEnv(
      env,
      "HANGAR_IMPORT_UNTRUSTED_SIGNATURES",
      (text) => SIGNATURE_POLICIES[text.trim().toLowerCase()],
      d.acceptUntrustedSignatures,
      "refuse or accept",
    ),
    ca: readEnv(env, "HANGAR_IMPORT_CA_FILE", pemFile, d.ca, "a readable PEM file of CA certificates"),
  };
}
