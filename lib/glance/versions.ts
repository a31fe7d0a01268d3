/**
 * The Image API versions this listener speaks, newest first. v2.7 is the first with os_hidden and the
 * os_hash_* fields; later ones add multiple stores and cache management, which Hangar does not have.
 */
export const API_VERSIONS = ["v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"] as const;

/**
 * Glance's version document (`GET /` answers it with 300, `GET /versions` with 200). The links are absolute,
 * made from the address the client reached (`root`: scheme and host, no path), as Glance makes them.
 */
export function versionsDocument(root: string) {
  return {
    versions: API_VERSIONS.map((id, index) => ({
      id,
      status: index === 0 ? "CURRENT" : "SUPPORTED",
      links: [{ rel: "self", href: `${root}/v2/` }],
    })),
  };
}
