export type Role = "admin" | "user";

export const ROLES = ["user", "admin"] as const satisfies readonly Role[];

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

/** The actor a user row stands for, with the row's current name and role. */
export function actorOf(user: { id: string; email: string; name: string; role: string }): Actor {
  return { id: user.id, email: user.email, name: user.name, role: parseRole(user.role) };
}
