import { type Actor, isAdmin } from "../auth/actor";
import { type ImageStatus, SETTLED_STATUSES, type Visibility } from "./image";

export type ImageAction = "view" | "download" | "rename" | "edit" | "delete" | "publish" | "deprecate";

interface Subject {
  visibility: Visibility;
  ownerId: string;
  status: ImageStatus;
}

/**
 * Platform images every user sees; the rest (uploading, validating, rejected) only admins see. Obsolete and
 * deleted ones stay readable so that whoever pinned them learns the replacement.
 */
export const PUBLIC_PLATFORM_STATUSES: ImageStatus[] = ["ready", "deprecated", "obsolete", "deleted"];

/**
 * "hidden": the actor must not learn the image exists. "not_yet": the actor
 * may, but the image is not in a state that allows it (a 409, not a 403).
 * "gone": the image is obsolete or deleted, refused for new use (a 410 naming the replacement).
 * "not_applicable": the action does not apply to this kind of image, whoever
 * asks (publishing a platform image, deprecating a private one): also a 409.
 */
export type Decision = "allow" | "forbidden" | "hidden" | "not_yet" | "not_applicable" | "gone";

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
      if (image.status === "obsolete" || image.status === "deleted") return "gone";
      return image.status === "uploading" ? "not_yet" : "allow";
    case "rename":
    case "edit":
    case "delete":
      return image.visibility === "private" || isAdmin(actor) ? "allow" : "forbidden";
    case "publish":
      if (!isAdmin(actor)) return "forbidden";
      return image.visibility === "private" ? "allow" : "not_applicable";
    case "deprecate":
      // Private images too, by their owner: versions of a private family are retired like platform ones.
      if (image.visibility === "platform" && !isAdmin(actor)) return "forbidden";
      // Deleted is final: its bytes are gone.
      return image.status !== "deleted" && (SETTLED_STATUSES as readonly ImageStatus[]).includes(image.status) ? "allow" : "not_yet";
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
