/** The readable message in a failed tus response: the `message` of the API's error body, or a short text. */
export function serverMessage(error: unknown): string | null {
  const response = (error as { originalResponse?: { getBody(): string; getStatus(): number } | null } | null)?.originalResponse;
  const body = response?.getBody().trim();
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
