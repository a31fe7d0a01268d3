import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { db } from "../db/client";
import type { Actor } from "./actor";
import { authOptions } from "./options";
import { findActor } from "./users";

/** The signed-in user of this request (server components and actions), or null. */
export async function currentActor(): Promise<Actor | null> {
  const session = (await getServerSession(authOptions)) as { userId?: string } | null;
  return session?.userId ? findActor(db(), session.userId) : null;
}

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireActor(): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/signin");
  return actor;
}
