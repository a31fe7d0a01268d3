import type { Image } from "@/lib/catalog/image";
import type { ImageSummary, RowModel } from "./types";

/** Rows for the browser: each image without its report, with the actions the policy allowed the actor when it was read. */
export function toRows(images: Image[]): RowModel[] {
  return images.map(summary).map((image) => ({ image, actions: image.actions }));
}

function summary(image: Image): ImageSummary {
  const copy: ImageSummary & Partial<Pick<Image, "report">> = { ...image };
  delete copy.report;
  return copy;
}
