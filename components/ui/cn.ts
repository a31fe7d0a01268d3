import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Joins class names, the later ones winning: `cn("px-3.5 text-slate-600", "px-2 text-red-700")` keeps
 * only px-2 and text-red-700. Without the merge both stay and the stylesheet's order decides, so an
 * override (a red Revoke on a ghost button, a padding in a dialog) could silently lose.
 */
export const cn = (...classes: ClassValue[]) => twMerge(clsx(classes));
