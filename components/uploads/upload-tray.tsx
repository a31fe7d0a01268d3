"use client";

import { ChevronDown, ChevronUp, CircleCheck, CircleX, CloudUpload, LoaderCircle, Pause, Play, WifiOff, X } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { humanDuration } from "@/lib/uploads/transfer-meter";
import { humanBytes } from "@/lib/units";
import { cn } from "../ui/cn";
import { type UploadTask, useUploads } from "./upload-provider";

const percent = (task: UploadTask) => (task.size > 0 ? Math.floor((task.sent / task.size) * 100) : 100);

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The line under the bar: what is happening, in numbers. */
function statusLine(task: UploadTask, now: number): string {
  const sent = `${humanBytes(task.sent)} of ${humanBytes(task.size)}`;
  switch (task.status) {
    case "creating":
      return "Starting…";
    case "uploading": {
      const speed = task.speed ? ` · ${humanBytes(task.speed)}/s` : "";
      const left = task.secondsLeft !== null && task.speed ? ` · ${humanDuration(task.secondsLeft)} left` : "";
      return `${sent}${speed}${left}`;
    }
    case "paused":
      return `Paused at ${percent(task)}% · ${sent}`;
    case "reconnecting": {
      const wait = task.retry ? Math.max(0, Math.ceil((task.retry.at - now) / 1000)) : 0;
      return `Connection lost · reconnecting${wait > 0 ? ` in ${wait} s` : "…"} (attempt ${task.retry?.attempt ?? 1})`;
    }
    case "offline":
      return `You are offline · continues when the connection is back · ${sent}`;
    case "done": {
      const validation = task.validation;
      if (validation?.status === "ready") return `Uploaded ${humanBytes(task.size)} · ready to use`;
      if (validation?.status === "rejected")
        return `Rejected: ${validation.failures || "some"} check${validation.failures === 1 ? "" : "s"} failed · open it to see how to fix`;
      return `Uploaded ${humanBytes(task.size)} · validating${validation && validation.progress > 0 ? ` ${validation.progress}%` : "…"}`;
    }
    case "failed":
      return task.message ?? "The upload stopped.";
  }
}

const BAR: Record<UploadTask["status"], string> = {
  creating: "bg-brand-500",
  uploading: "bg-brand-600",
  paused: "bg-slate-400",
  reconnecting: "bg-amber-500 animate-pulse",
  offline: "bg-amber-500",
  done: "bg-emerald-500",
  failed: "bg-red-500",
};

function lineColor(task: UploadTask): string {
  if (task.status === "failed" || task.validation?.status === "rejected") return "text-red-600";
  if (task.status === "reconnecting" || task.status === "offline") return "text-amber-700";
  if (task.validation?.status === "ready") return "text-emerald-700";
  return "text-slate-500";
}

function TaskRow({ task, now }: { task: UploadTask; now: number }) {
  const { pause, resume, cancel, dismiss } = useUploads();
  const value = percent(task);
  const canPause = task.status === "uploading" || task.status === "reconnecting";
  const canResume = task.status === "paused" || task.status === "failed" || task.status === "offline";
  return (
    <li className="px-4 py-3" data-upload-status={task.status} data-validation={task.validation?.status} aria-label={`Upload of ${task.name}`}>
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-slate-900" title={task.name}>
            {task.imageId && task.status === "done" ? (
              <Link href={`/images/${task.imageId}`} className="hover:underline">
                {task.name}
              </Link>
            ) : (
              task.name
            )}
          </p>
          <p className="truncate text-xs text-slate-500" title={task.fileName}>
            {task.fileName}
          </p>
        </div>
        <span className="pt-0.5 text-xs font-medium tabular-nums text-slate-600">{task.status === "done" ? <DoneIcon task={task} /> : `${value}%`}</span>
        <div className="flex items-center">
          {canPause ? (
            <IconButton label={`Pause upload of ${task.name}`} onClick={() => pause(task.key)}>
              <Pause className="size-3.5" />
            </IconButton>
          ) : null}
          {canResume ? (
            <IconButton label={`Resume upload of ${task.name}`} onClick={() => resume(task.key)}>
              <Play className="size-3.5" />
            </IconButton>
          ) : null}
          {task.status === "done" ? (
            <IconButton label={`Dismiss ${task.name}`} onClick={() => dismiss(task.key)}>
              <X className="size-3.5" />
            </IconButton>
          ) : (
            <IconButton label={`Cancel upload of ${task.name}`} onClick={() => cancel(task.key)}>
              <X className="size-3.5" />
            </IconButton>
          )}
        </div>
      </div>
      <div
        className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100"
        role="progressbar"
        aria-label={`${task.name} upload progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
      >
        <div
          className={cn("h-full rounded-full transition-[width] duration-300", task.validation?.status === "rejected" ? "bg-red-500" : BAR[task.status])}
          style={{ width: `${value}%` }}
        />
      </div>
      <p className={cn("mt-1.5 flex items-center gap-1 text-xs tabular-nums", lineColor(task))}>
        {task.status === "offline" || task.status === "reconnecting" ? <WifiOff className="size-3.5 shrink-0" /> : null}
        <span className="truncate" title={statusLine(task, now)}>
          {statusLine(task, now)}
        </span>
      </p>
    </li>
  );
}

function DoneIcon({ task }: { task: UploadTask }) {
  if (task.validation?.status === "rejected") return <CircleX className="size-4 text-red-600" aria-label="rejected" />;
  if (task.validation?.status === "ready") return <CircleCheck className="size-4 text-emerald-600" aria-label="ready" />;
  return <LoaderCircle className="size-4 animate-spin text-amber-600" aria-label="validating" />;
}

function IconButton({ label, onClick, children }: { label: string; onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-brand-500"
    >
      {children}
    </button>
  );
}

/** The uploads of this tab, in a panel at the bottom right of every portal page. */
export function UploadTray() {
  const { tasks } = useUploads();
  const [collapsed, setCollapsed] = useState(false);
  const now = useNow(tasks.some((task) => task.status === "reconnecting"));
  if (tasks.length === 0) return null;
  const inFlight = tasks.filter((task) => task.status !== "done").length;
  const title = inFlight > 0 ? `Uploading ${inFlight} image${inFlight > 1 ? "s" : ""}` : `${tasks.length} upload${tasks.length > 1 ? "s" : ""} finished`;
  return (
    <section
      aria-label="Uploads"
      className="fixed bottom-4 right-4 z-30 w-[26rem] max-w-[calc(100vw-2rem)] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xl"
    >
      <header className="flex items-center gap-2 bg-slate-900 px-4 py-2.5 text-white">
        <CloudUpload className="size-4" />
        <h2 className="flex-1 text-sm font-medium">{title}</h2>
        <button
          type="button"
          className="rounded p-1 text-slate-300 hover:bg-slate-800 hover:text-white"
          aria-label={collapsed ? "Show uploads" : "Hide uploads"}
          onClick={() => setCollapsed(!collapsed)}
        >
          {collapsed ? <ChevronUp className="size-4" /> : <ChevronDown className="size-4" />}
        </button>
      </header>
      {collapsed ? null : (
        <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
          {tasks.map((task) => (
            <TaskRow key={task.key} task={task} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
