export type Role = "admin" | "user";

export const ROLES = ["user", "admin"] as const satisfies readonly Role[];

/**
 * How an actor's request was authenticated and where it came from: what the audit trail records
 * beside who it was (lib/audit). Set by request authentication (lib/auth/request.ts); absent for an
 * actor the server makes itself (tests, scripts).
 */
export interface ActorOrigin {
  via: "session" | "token";
  /** The session's id (the SHA-256 the Session row keeps) or the API token's id. */
  credentialId: string;
  /** The client's address as the front door determined it, or null when unknown. */
  clientAddress: string | null;
}

/** Who is asking: the signed-in user (browser session) or the user behind an API token. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  origin?: ActorOrigin;
}

export const isAdmin = (actor: Actor): boolean => actor.role === "admin";

export function parseRole(value: string): Role {
  return value === "admin" ? "admin" : "user";
}

/** The actor a user row stands for, with the row's current name and role. */
export function actorOf(user: { id: string; email: string; name: string; role: string }, origin?: ActorOrigin): Actor {
  return { id: user.id, email: user.email, name: user.name, role: parseRole(user.role), ...(origin ? { origin } : {}) };
}
