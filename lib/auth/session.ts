import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientAddressOf } from "../http/request-context";
import type { Actor } from "./actor";
import { sessionFromHeaders } from "./request";
import type { Session } from "./sessions";

/** The browser session of this request (server components and actions), or null when signed out. */
export async function currentSession(): Promise<Session | null> {
  return sessionFromHeaders(Object.fromEntries((await headers()).entries()));
}

/** The client's address for this request, as the front door determined it (null when unknown). */
export async function currentClientAddress(): Promise<string | null> {
  return clientAddressOf(Object.fromEntries((await headers()).entries()));
}

/** The signed-in user of this request, or null. */
export async function currentActor(): Promise<Actor | null> {
  return (await currentSession())?.actor ?? null;
}

/** The browser session, or a redirect to the sign-in page. */
export async function requireSession(): Promise<Session> {
  const session = await currentSession();
  if (!session) redirect("/signin");
  return session;
}

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireActor(): Promise<Actor> {
  return (await requireSession()).actor;
}
