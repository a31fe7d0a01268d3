import type { Actor } from "@/lib/auth/actor";
import type { Image } from "@/lib/catalog/image";
import { allowedActions } from "@/lib/catalog/policy";
import type { ImageSummary, RowModel } from "./types";

/** Rows for the browser: each image without its report, with the actions the policy allows the actor. */
export function toRows(actor: Actor, images: Image[]): RowModel[] {
  return images.map(summary).map((image) => ({
    image,
    actions: allowedActions(actor, { visibility: image.visibility, ownerId: image.owner.id, status: image.status }),
  }));
}

function summary(image: Image): ImageSummary {
  const copy: ImageSummary & Partial<Pick<Image, "report">> = { ...image };
  delete copy.report;
  return copy;
}
