import type { ImageStatus } from "@/lib/catalog/image";
import { cn } from "../ui/cn";

const STYLES: Record<ImageStatus, string> = {
  ready: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  validating: "bg-amber-50 text-amber-800 ring-amber-600/20",
  uploading: "bg-sky-50 text-sky-700 ring-sky-600/20",
  rejected: "bg-red-50 text-red-700 ring-red-600/20",
  deprecated: "bg-amber-50 text-amber-800 ring-amber-600/30",
  obsolete: "bg-orange-50 text-orange-800 ring-orange-600/30",
  deleted: "bg-slate-100 text-slate-700 ring-slate-500/30",
};

export function StatusBadge({ status, progress }: { status: ImageStatus; progress?: number }) {
  return (
    <span className={cn("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", STYLES[status])}>
      {/* A still dot: the percentage says it moves. A pulse kept the browser compositing frames for as long as an image was in flux. */}
      {status === "validating" || status === "uploading" ? <span className="size-1.5 rounded-full bg-current" /> : null}
      {status}
      {(status === "validating" || status === "uploading") && progress !== undefined && progress > 0 ? ` ${progress}%` : null}
    </span>
  );
}
