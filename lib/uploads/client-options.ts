// What browser and CLI clients of the tus endpoint share; nothing here may import Node modules.

/**
 * Bytes per PATCH request from the browser. Large enough that the fixed cost of
 * a PATCH (about 5 ms) stays a few percent on fast links, small enough that a
 * PATCH over a 2 Mbit/s uplink ends in about two minutes (docs/benchmarks.md).
 */
export const UPLOAD_CHUNK_SIZE = 32 * 1024 * 1024;

/** Waits between attempts after a lost connection: quick at first, then every minute, about ten minutes in all. */
export const UPLOAD_RETRY_DELAYS = [
  0, 1000, 3000, 5000, 10_000, 15_000, 20_000, 30_000, 30_000, 45_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000,
];

/** Upload-Metadata for a new image: the name, the file it came from, where it goes, and the properties set (empty ones left out). */
export function uploadMetadata(input: {
  name: string;
  fileName: string;
  visibility: "private" | "platform";
  properties: Record<string, string>;
}): Record<string, string> {
  const properties = Object.fromEntries(Object.entries(input.properties).filter(([, value]) => value.trim() !== ""));
  return { name: input.name.trim(), filename: input.fileName, visibility: input.visibility, ...properties };
}

/** The readable message in a failed tus response: the `message` of the API's error body, or a short text. */
export function serverMessage(error: unknown): string | null {
  const response = (error as { originalResponse?: { getBody(): string; getStatus(): number } | null } | null)?.originalResponse;
  const body = response?.getBody()?.trim();
  if (!body) return null;
  try {
    const parsed: unknown = JSON.parse(body);
    const message = (parsed as { error?: { message?: unknown } } | null)?.error?.message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON: a proxy's or an older server's text
  }
  return body.length < 1000 && !body.startsWith("<") ? body : null;
}
