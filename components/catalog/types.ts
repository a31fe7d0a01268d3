import type { Image } from "@/lib/catalog/image";
import type { ImageAction } from "@/lib/catalog/actions";

/** What a row hands to the browser: the image without its (large) report, and what the user may do. */
export type ImageSummary = Omit<Image, "report">;

export interface RowModel {
  image: ImageSummary;
  actions: ImageAction[];
}
