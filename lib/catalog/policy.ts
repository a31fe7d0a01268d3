import { type Actor, isAdmin } from "../auth/actor";
import type { ImageStatus, Visibility } from "./image";

export type ImageAction = "view" | "download" | "rename" | "edit" | "delete" | "publish" | "deprecate";

interface Subject {
  visibility: Visibility;
  ownerId: string;
  status: ImageStatus;
}

/** Platform images every user sees; the rest (uploading, validating, rejected) only admins see. */
export const PUBLIC_PLATFORM_STATUSES: ImageStatus[] = ["ready", "deprecated"];

/**
 * "hidden": the actor must not learn the image exists. "not_yet": the actor
 * may, but the image is not in a state that allows it (a 409, not a 403).
 * "not_applicable": the action does not apply to this kind of image, whoever
 * asks (publishing a platform image, deprecating a private one): also a 409.
 */
export type Decision = "allow" | "forbidden" | "hidden" | "not_yet" | "not_applicable";

/**
 * Who may do what, in one place. A private image is its owner's (admins may
 * moderate it); a platform image is read-only for everyone but admins.
 */
export function decide(actor: Actor, action: ImageAction, image: Subject): Decision {
  const owner = image.ownerId === actor.id;
  if (image.visibility === "private" && !owner && !isAdmin(actor)) return "hidden";
  if (image.visibility === "platform" && !isAdmin(actor) && !PUBLIC_PLATFORM_STATUSES.includes(image.status)) return "hidden";
  switch (action) {
    case "view":
      return "allow";
    case "download":
      // An upload's bytes are incomplete until it finishes; from validating on, the image has them all.
      return image.status === "uploading" ? "not_yet" : "allow";
    case "rename":
    case "edit":
    case "delete":
      return image.visibility === "private" || isAdmin(actor) ? "allow" : "forbidden";
    case "publish":
      if (!isAdmin(actor)) return "forbidden";
      return image.visibility === "private" ? "allow" : "not_applicable";
    case "deprecate":
      if (image.visibility === "private") return "not_applicable";
      return isAdmin(actor) ? "allow" : "forbidden";
  }
}

const ACTIONS: ImageAction[] = ["view", "download", "rename", "edit", "delete", "publish", "deprecate"];

/** The actions the actor may take on an image, for menus; the server still checks each one. */
export function allowedActions(actor: Actor, image: Subject): ImageAction[] {
  return ACTIONS.filter((action) => decide(actor, action, image) === "allow");
}

/** Who may add images: anyone signed in to their private images, only admins to the platform catalog. */
export function mayCreate(actor: Actor, visibility: Visibility): boolean {
  return visibility === "private" || isAdmin(actor);
}
