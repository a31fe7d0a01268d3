"use client";

import { CircleCheck, CircleX, Link2, LoaderCircle, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import type { ImportTask } from "@/lib/imports/client/import-tasks";
import { humanDuration } from "@/lib/uploads/transfer-meter";
import { humanBytes } from "@/lib/units";
import { cn } from "../ui/cn";
import { FloatingTray } from "./floating-tray";
import { useImports, useImportTasks } from "./imports-context";
import { useLiveImage } from "./uploads-context";

/** Bytes, speed and time left while downloading, as the upload tray says them. */
function downloadLine(task: ImportTask): string {
  const { received, total } = task.view;
  const bytes = total === null ? humanBytes(received) : `${humanBytes(received)} of ${humanBytes(total)}`;
  const speed = task.speed ? ` · ${humanBytes(task.speed)}/s` : "";
  const left = task.secondsLeft !== null && task.speed ? ` · ${humanDuration(task.secondsLeft)} left` : "";
  return `Downloading ${bytes}${speed}${left}`;
}

/** After the download: the image's validation, followed live. */
function Validation({ imageId, received }: { imageId: string; received: number }) {
  const live = useLiveImage({ id: imageId, status: "validating", validationProgress: 0 });
  const line =
    live.status === "ready"
      ? `Downloaded ${humanBytes(received)} · ready to use`
      : live.status === "rejected"
        ? "Rejected: some checks failed · open it to see how to fix"
        : `Downloaded ${humanBytes(received)} · validating${live.validationProgress > 0 ? ` ${live.validationProgress}%` : "…"}`;
  return <p className={cn("text-xs", live.status === "rejected" ? "text-red-600" : "text-slate-600")}>{line}</p>;
}

function ImportRow({ task }: { task: ImportTask }) {
  const imports = useImports();
  const router = useRouter();
  const { view } = task;
  // The image's row appears in the catalog once the download is handed over, as an upload's does.
  useEffect(() => {
    if (view.status === "done") router.refresh();
  }, [view.status, router]);
  const downloading = view.status === "downloading";
  const share = view.total ? Math.min(100, Math.floor((view.received / view.total) * 100)) : null;
  const ended = view.status === "done" || view.status === "failed" || view.status === "cancelled";
  return (
    <li className="space-y-1.5 px-4 py-3" aria-label={view.fileName}>
      <div className="flex items-center gap-2">
        {view.status === "failed" ? (
          <CircleX className="size-4 shrink-0 text-red-500" />
        ) : view.status === "done" ? (
          <CircleCheck className="size-4 shrink-0 text-emerald-600" />
        ) : (
          <LoaderCircle className="size-4 shrink-0 animate-spin text-brand-600" />
        )}
        {view.imageId && view.status !== "cancelled" ? (
          <Link href={`/images/${view.imageId}`} className="min-w-0 flex-1 truncate text-sm font-medium text-slate-900 hover:underline" title={view.url}>
            {view.fileName}
          </Link>
        ) : (
          <span className="min-w-0 flex-1 truncate text-sm font-medium text-slate-900" title={view.url}>
            {view.fileName}
          </span>
        )}
        {downloading ? (
          <button
            type="button"
            className="rounded px-2 py-0.5 text-xs text-slate-600 hover:bg-slate-100"
            onClick={() => void imports.cancel(view.id)}
            aria-label={`Cancel the import of ${view.fileName}`}
          >
            Cancel
          </button>
        ) : ended ? (
          <button
            type="button"
            className="rounded p-1 text-slate-500 hover:bg-slate-100"
            aria-label={`Dismiss ${view.fileName}`}
            onClick={() => imports.dismiss(view.id)}
          >
            <X className="size-4" />
          </button>
        ) : null}
      </div>
      {downloading || view.status === "finishing" ? (
        <div
          className="h-1.5 overflow-hidden rounded-full bg-slate-100"
          role="progressbar"
          aria-label={`Import of ${view.fileName}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={share ?? undefined}
        >
          <div className={cn("h-full bg-brand-600 transition-all", share === null && "animate-pulse")} style={{ width: `${share ?? 100}%` }} />
        </div>
      ) : null}
      {downloading ? <p className="text-xs text-slate-600">{downloadLine(task)}</p> : null}
      {view.status === "finishing" ? <p className="text-xs text-slate-600">Downloaded · handing over to validation…</p> : null}
      {view.status === "done" && view.imageId ? <Validation imageId={view.imageId} received={view.received} /> : null}
      {view.status === "failed" ? <p className="text-xs text-red-600">{view.message}</p> : null}
      {view.status === "cancelled" ? <p className="text-xs text-slate-600">Cancelled: the image and its bytes were removed.</p> : null}
      {task.error ? <p className="text-xs text-amber-700">{task.error} · trying again</p> : null}
    </li>
  );
}

/** The imports of this tab, in a panel at the bottom left of every portal page (the uploads' tray is at the right). */
export function ImportTray() {
  const tasks = useImportTasks();
  if (tasks.length === 0) return null;
  const running = tasks.filter((task) => task.view.status === "downloading" || task.view.status === "finishing").length;
  return (
    <FloatingTray
      label="Imports"
      side="left"
      icon={<Link2 className="size-4" />}
      title={running > 0 ? `Importing ${running} image${running > 1 ? "s" : ""}` : "Imports"}
    >
      <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
        {tasks.map((task) => (
          <ImportRow key={task.view.id} task={task} />
        ))}
      </ul>
    </FloatingTray>
  );
}
