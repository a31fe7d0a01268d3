import { type Env, nonNegative, positive, readEnv } from "../env";
import { parseDuration, parseSize } from "../units";

export const GiB = 1024 ** 3;

/** The limits and timings of uploads, from the environment (README, "Uploading images"). */
export interface UploadConfig {
  /** Largest image accepted, in bytes (advertised as Tus-Max-Size). */
  maxImageSize: number;
  /**
   * Bytes of images (finished or uploading) a project may keep unless an administrator set its own quota;
   * null for no quota. HANGAR_USER_QUOTA, named when quotas were per user: a personal project has it by default.
   */
  userQuota: number | null;
  /** An unfinished upload is removed this long after its last byte arrived. */
  expiryMs: number;
  /** How often the cleanup job looks for expired uploads. */
  cleanupIntervalMs: number;
  /** Disk space kept free beyond what uploads in progress have declared. */
  minFreeSpace: number;
}

export const DEFAULT_UPLOAD_CONFIG: UploadConfig = {
  maxImageSize: 400 * GiB,
  userQuota: 1024 * GiB,
  expiryMs: 24 * 3_600_000,
  cleanupIntervalMs: 10 * 60_000,
  minFreeSpace: 1 * GiB,
};

/** Reads the configuration; a malformed value stops the server with a message naming the variable. */
export function uploadConfig(env: Env = process.env): UploadConfig {
  const d = DEFAULT_UPLOAD_CONFIG;
  return {
    maxImageSize: readEnv(env, "HANGAR_MAX_IMAGE_SIZE", positive(parseSize), d.maxImageSize, "a size such as 400GiB"),
    userQuota: readEnv(
      env,
      "HANGAR_USER_QUOTA",
      (text) => (/^\s*(none|unlimited|0)\s*$/i.test(text) ? null : positive(parseSize)(text)),
      d.userQuota,
      "a size such as 500GiB, or none",
    ),
    expiryMs: readEnv(env, "HANGAR_UPLOAD_EXPIRY", positive(parseDuration), d.expiryMs, "a duration such as 24h"),
    cleanupIntervalMs: readEnv(env, "HANGAR_UPLOAD_CLEANUP_INTERVAL", positive(parseDuration), d.cleanupIntervalMs, "a duration such as 10m"),
    minFreeSpace: readEnv(env, "HANGAR_MIN_FREE_SPACE", nonNegative(parseSize), d.minFreeSpace, "a size such as 1GiB"),
  };
}
