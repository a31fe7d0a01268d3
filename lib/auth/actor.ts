export type Role = "admin" | "user";

export const ROLES = ["user", "admin"] as const satisfies readonly Role[];

/** What an API token may do of what its user may: read (see, download), upload (and read), or full. */
export const TOKEN_SCOPES = ["read", "upload", "full"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The limits of the API token a request came with (lib/catalog/policy.ts applies them). */
export interface TokenLimits {
  /** The one project the token acts in (it also reads the platform catalog); null for all the user's projects. */
  projectId: string | null;
  scope: TokenScope;
}

/**
 * How a request's actor acted, for the audit trail (lib/audit): through a browser session or an API
 * token (its id: the session row's or the token's, never a secret), from which client address.
 */
export interface ActorOrigin {
  via: "session" | "token";
  id: string;
  clientAddress: string | null;
}

/** Who is asking: the signed-in user (browser session) or the user behind an API token. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** May create team projects without being an administrator (a group of HANGAR_*_PROJECT_CREATOR_GROUPS); absent: may not. */
  projectCreator?: boolean;
  /** Set when the request came with an API token that is limited: what that token may reach and do. */
  limits?: TokenLimits;
  /** Set by request authentication (lib/auth/request.ts); absent for an actor built outside a request (tests, scripts). */
  origin?: ActorOrigin;
}

export const isAdmin = (actor: Actor): boolean => actor.role === "admin";

export function parseRole(value: string): Role {
  return value === "admin" ? "admin" : "user";
}

/** A stored scope; anything unknown reads as the narrowest, so a bad row never grants more. */
export function parseTokenScope(value: string): TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value) ? (value as TokenScope) : "read";
}

/** The actor a user row stands for, with the row's current name, role and right to create projects. */
export function actorOf(user: { id: string; email: string; name: string; role: string; projectCreator?: boolean }): Actor {
  return { id: user.id, email: user.email, name: user.name, role: parseRole(user.role), ...(user.projectCreator ? { projectCreator: true } : {}) };
}
