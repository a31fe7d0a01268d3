import { cache } from "react";
import type { Actor } from "@/lib/auth/actor";
import { requireSession as readSession } from "@/lib/auth/session";
import type { Session } from "@/lib/auth/sessions";
import { type Viewer, viewerOf } from "@/lib/catalog/image-view";
import { db } from "@/lib/db/client";
import { ensurePersonalProject } from "@/lib/projects/personal";
import { type UploadLimits, uploadLimitsFor } from "@/lib/uploads/limits";
import { uploadDeps } from "@/lib/uploads/runtime";

// What a portal request reads about its user, read once per request: the layout and its page both need it, and
// the page's reads (its lists, its project, the upload limits) each weighed the memberships again. React's cache
// lasts one request; it is here, in the bundle, because lib/ is loaded by Node outside it (next.config.js), where
// React's cache does not hold.

/** The signed-in session (a cookie decryption and a session lookup). */
export const requireSession: () => Promise<Session> = cache(readSession);

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireActor(): Promise<Actor> {
  return (await requireSession()).actor;
}

/** The signed-in user with the projects they are a member of: what every visibility rule weighs. */
export const requireViewer: () => Promise<Viewer> = cache(async () => viewerOf(db(), await requireActor()));

/** The signed-in user's personal project: the layout's default upload target and the images page's default project. */
export const requirePersonalProjectId: () => Promise<string> = cache(async () => (await ensurePersonalProject(db(), await requireActor())).id);

/**
 * The upload limits into a project: the layout's (the personal project: a session has no token limits) and the
 * images page's are the same read unless the page shows another project.
 */
export const requestUploadLimits: (projectId: string) => Promise<UploadLimits> = cache(async (projectId: string) =>
  uploadLimitsFor(uploadDeps(), await requireViewer(), projectId),
);
