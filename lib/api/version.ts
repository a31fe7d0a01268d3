/**
 * The REST API's version, MAJOR.MINOR, apart from Hangar's release: MINOR grows when the API gains
 * something a client may use (an operation, a field, a parameter), MAJOR when a request or an answer
 * changes in a way an older client would misread. A release that leaves the API alone keeps it, so
 * a CLI only hears about an update that matters to it.
 */
export const API_VERSION = "1.2";

/** Sent on every answer of the API's routes (lib/api/respond.ts), so a client learns the version from any call. */
export const API_VERSION_HEADER = "Hangar-Api-Version";

/** How far a server's API is ahead of a client's: nothing, features the client lacks, or answers it may misread. */
export type ApiVersionGap = "none" | "features" | "incompatible";

function parse(version: string): [number, number] | null {
  const match = /^(\d{1,6})\.(\d{1,6})$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/** null when either version is not MAJOR.MINOR; "none" too when the server is the older one. */
export function apiVersionGap(server: string, client: string): ApiVersionGap | null {
  const [ours, theirs] = [parse(client), parse(server)];
  if (!ours || !theirs) return null;
  if (theirs[0] !== ours[0]) return theirs[0] > ours[0] ? "incompatible" : "none";
  return theirs[1] > ours[1] ? "features" : "none";
}
