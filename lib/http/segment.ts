/**
 * A URL path segment as the portal's pages receive it from Next, still percent-encoded (a family reference
 * arrives as "debian-12-golden%40latest"), decoded; a malformed escape is kept as it came, to name nothing.
 */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
