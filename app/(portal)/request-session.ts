import { cache } from "react";
import type { Actor } from "@/lib/auth/actor";
import { requireSession as readSession } from "@/lib/auth/session";
import type { Session } from "@/lib/auth/sessions";

/**
 * The signed-in session, read once per request: the portal's layout and its page both need it, and each read is a
 * cookie decryption and a session lookup. React's cache lasts one request; it is here, in the bundle, because lib/ is
 * loaded by Node outside it (next.config.js), where React's cache does not hold.
 */
export const requireSession: () => Promise<Session> = cache(readSession);

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireActor(): Promise<Actor> {
  return (await requireSession()).actor;
}
