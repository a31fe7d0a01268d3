export type Role = "admin" | "user";

/** Who is asking: the signed-in user (browser session) or the user behind an API token. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export const isAdmin = (actor: Actor): boolean => actor.role === "admin";

export function parseRole(value: string): Role {
  return value === "admin" ? "admin" : "user";
}
