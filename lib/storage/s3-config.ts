import { z } from "zod";
import { positive, readEnv } from "../env";
import { parseDuration } from "../units";

/** Where and how to reach the S3-compatible object store (Ceph RGW, MinIO, AWS S3). */
export interface S3Config {
  /** The service's URL; absent for AWS S3, whose endpoint the SDK derives from the region. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the path (http://host/bucket/key) rather than in the host name (http://bucket.host/key). */
  forcePathStyle: boolean;
  /**
   * A request to the store that moves no byte for this long fails (HANGAR_S3_STALL_TIMEOUT): a store that stops
   * reading (a full Ceph cluster holds writes without an error) ends in an error, not a PATCH that hangs forever.
   */
  stallTimeoutMs?: number;
}

/** The default of HANGAR_S3_STALL_TIMEOUT: twice a client's own idle limit (HANGAR_UPLOAD_IDLE_TIMEOUT, 60 s). */
export const DEFAULT_S3_STALL_TIMEOUT_MS = 120_000;

type Env = Record<string, string | undefined>;

/** Each setting, the variables it is read from (the first set wins) and what it is, for messages. */
const SETTINGS = {
  endpoint: { names: ["HANGAR_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"], what: "the URL of the S3 service, e.g. http://rgw.example:7480" },
  bucket: { names: ["HANGAR_S3_BUCKET"], what: "the bucket that holds the images" },
  region: { names: ["HANGAR_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"], what: 'the region (Ceph RGW: its zone group, usually "default")' },
  accessKeyId: { names: ["HANGAR_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"], what: "the access key" },
  secretAccessKey: { names: ["HANGAR_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"], what: "the secret key" },
  forcePathStyle: { names: ["HANGAR_S3_FORCE_PATH_STYLE"], what: "true or false" },
} as const;

type Setting = keyof typeof SETTINGS;

const required = (setting: Setting) => z.string({ error: `${SETTINGS[setting].names.join(" or ")} is not set: ${SETTINGS[setting].what}.` }).min(1);

const schema = z.object({
  endpoint: z.url({ protocol: /^https?$/, error: `HANGAR_S3_ENDPOINT is not an http:// or https:// URL: ${SETTINGS.endpoint.what}.` }).optional(),
  // S3's bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens.
  bucket: required("bucket").regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "HANGAR_S3_BUCKET is not a bucket name (3 to 63 characters: a-z, 0-9, . and -)."),
  region: z.string().min(1).default("us-east-1"),
  accessKeyId: required("accessKeyId"),
  secretAccessKey: required("secretAccessKey"),
  forcePathStyle: z
    .enum(["true", "false", "1", "0"], { error: "HANGAR_S3_FORCE_PATH_STYLE is true or false." })
    .transform((value) => value === "true" || value === "1")
    .optional(),
});

function read(env: Env, setting: Setting): string | undefined {
  for (const name of SETTINGS[setting].names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Whether the configuration asks for an S3 store: any HANGAR_S3_ variable is set. */
export function s3Selected(env: Env = process.env): boolean {
  return Object.values(SETTINGS).some(({ names }) => names.some((name) => name.startsWith("HANGAR_S3_") && env[name]?.trim()));
}

/**
 * The S3 settings from the environment (README, "Production deployment"). A missing or malformed
 * one stops the server with one message naming every variable at fault.
 */
export function s3Config(env: Env = process.env): S3Config {
  const input = Object.fromEntries((Object.keys(SETTINGS) as Setting[]).map((setting) => [setting, read(env, setting)]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(`S3 configuration: ${parsed.error.issues.map((issue) => issue.message).join(" ")}`);
  const { endpoint, forcePathStyle, ...rest } = parsed.data;
  const stallTimeoutMs = readEnv(env, "HANGAR_S3_STALL_TIMEOUT", positive(parseDuration), DEFAULT_S3_STALL_TIMEOUT_MS, "a duration such as 120s");
  // Ceph RGW and MinIO are usually reached by address, where only the path style works; AWS S3 wants the host style.
  return { ...rest, ...(endpoint ? { endpoint } : {}), forcePathStyle: forcePathStyle ?? endpoint !== undefined, stallTimeoutMs };
}
