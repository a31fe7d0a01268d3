import { type Actor, isAdmin } from "../auth/actor";
import type { Visibility } from "./image";

export type ImageAction = "view" | "download" | "rename" | "edit" | "delete" | "publish" | "deprecate";

interface Subject {
  visibility: Visibility;
  ownerId: string;
}

/**
 * Who may do what, in one place. A private image is its owner's (admins may
 * moderate it); a platform image is read-only for everyone but admins.
 * "hidden" means the actor must not learn the image exists.
 */
export function decide(actor: Actor, action: ImageAction, image: Subject): "allow" | "forbidden" | "hidden" {
  const owner = image.ownerId === actor.id;
  if (image.visibility === "private" && !owner && !isAdmin(actor)) return "hidden";
  switch (action) {
    case "view":
    case "download":
      return "allow";
    case "rename":
    case "edit":
    case "delete":
      return image.visibility === "private" || isAdmin(actor) ? "allow" : "forbidden";
    case "publish":
      return image.visibility === "private" && isAdmin(actor) ? "allow" : "forbidden";
    case "deprecate":
      return image.visibility === "platform" && isAdmin(actor) ? "allow" : "forbidden";
  }
}

const ACTIONS: ImageAction[] = ["view", "download", "rename", "edit", "delete", "publish", "deprecate"];

/** The actions the actor may take on an image, for menus; the server still checks each one. */
export function allowedActions(actor: Actor, image: Subject): ImageAction[] {
  return ACTIONS.filter((action) => decide(actor, action, image) === "allow");
}
