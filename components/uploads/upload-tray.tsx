"use client";

import { ChevronDown, ChevronUp, CircleCheck, CircleX, CloudUpload, LoaderCircle, Pause, Play, WifiOff, X } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { allows, SENT, type UploadStateName } from "@/lib/uploads/client/state";
import type { UploadTask } from "@/lib/uploads/client/upload-manager";
import { humanDuration } from "@/lib/uploads/transfer-meter";
import { humanBytes } from "@/lib/units";
import { cn } from "../ui/cn";
import { FloatingTray } from "./floating-tray";
import { useUploads, useUploadTasks } from "./uploads-context";

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
  const { state } = task;
  switch (state.name) {
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
      const wait = Math.max(0, Math.ceil((state.at - now) / 1000));
      return `Connection lost · reconnecting${wait > 0 ? ` in ${wait} s` : "…"} (attempt ${state.attempt})`;
    }
    case "offline":
      return `You are offline · continues when the connection is back · ${sent}`;
    case "validating":
      return `Uploaded ${humanBytes(task.size)} · validating${state.progress > 0 ? ` ${state.progress}%` : "…"}`;
    case "ready":
      return `Uploaded ${humanBytes(task.size)} · ready to use`;
    case "rejected":
      return `Rejected: ${state.failures || "some"} check${state.failures === 1 ? "" : "s"} failed · open it to see how to fix`;
    case "failed":
      return state.reason;
  }
}

const BAR: Record<UploadStateName, string> = {
  creating: "bg-brand-500",
  uploading: "bg-brand-600",
  paused: "bg-slate-400",
  reconnecting: "bg-amber-500 animate-pulse",
  offline: "bg-amber-500",
  validating: "bg-emerald-500",
  ready: "bg-emerald-500",
  rejected: "bg-red-500",
  failed: "bg-red-500",
};

const LINE: Partial<Record<UploadStateName, string>> = {
  failed: "text-red-600",
  rejected: "text-red-600",
  reconnecting: "text-amber-700",
  offline: "text-amber-700",
  ready: "text-emerald-700",
};

function TaskRow({ task, now }: { task: UploadTask; now: number }) {
  const { manager } = useUploads();
  const value = percent(task);
  const { state } = task;
  const sent = SENT.includes(state.name);
  return (
    <li className="px-4 py-3" data-upload-status={state.name} data-validation={sent ? state.name : undefined} aria-label={`Upload of ${task.name}`}>
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-slate-900" title={task.name}>
            {task.imageId && sent ? (
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
        <span className="pt-0.5 text-xs font-medium tabular-nums text-slate-600">{sent ? <SentIcon name={state.name} /> : `${value}%`}</span>
        <div className="flex items-center">
          {allows(state, "pause") ? (
            <IconButton label={`Pause upload of ${task.name}`} onClick={() => manager.pause(task.key)}>
              <Pause className="size-3.5" />
            </IconButton>
          ) : null}
          {allows(state, "resume") ? (
            <IconButton label={`Resume upload of ${task.name}`} onClick={() => manager.resume(task.key)}>
              <Play className="size-3.5" />
            </IconButton>
          ) : null}
          {allows(state, "cancel") ? (
            <IconButton label={`Cancel upload of ${task.name}`} onClick={() => void manager.cancel(task.key)}>
              <X className="size-3.5" />
            </IconButton>
          ) : null}
          {allows(state, "dismiss") ? (
            <IconButton label={`Dismiss ${task.name}`} onClick={() => manager.dismiss(task.key)}>
              <X className="size-3.5" />
            </IconButton>
          ) : null}
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
        {/* No width transition: restarted at every progress step, it animated (layout and paint) all through an upload,
            costing the browser more CPU than the transfer itself (bench:browser-upload). */}
        <div className={cn("h-full rounded-full", BAR[state.name])} style={{ width: `${value}%` }} />
      </div>
      <p className={cn("mt-1.5 flex items-center gap-1 text-xs tabular-nums", LINE[state.name] ?? "text-slate-500")}>
        {state.name === "offline" || state.name === "reconnecting" ? <WifiOff className="size-3.5 shrink-0" /> : null}
        <span className="truncate" title={statusLine(task, now)}>
          {statusLine(task, now)}
        </span>
      </p>
    </li>
  );
}

function SentIcon({ name }: { name: UploadStateName }) {
  if (name === "rejected") return <CircleX className="size-4 text-red-600" aria-label="rejected" />;
  if (name === "ready") return <CircleCheck className="size-4 text-emerald-600" aria-label="ready" />;
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
  const tasks = useUploadTasks();
  const [collapsed, setCollapsed] = useState(false);
  const now = useNow(tasks.some((task) => task.state.name === "reconnecting"));
  if (tasks.length === 0) return null;
  // What can only be dismissed is over (sent, or refused for good).
  const inFlight = tasks.filter((task) => !allows(task.state, "dismiss")).length;
  const title = inFlight > 0 ? `Uploading ${inFlight} image${inFlight > 1 ? "s" : ""}` : `${tasks.length} upload${tasks.length > 1 ? "s" : ""} finished`;
  return (
    <FloatingTray
      label="Uploads"
      side="right"
      icon={<CloudUpload className="size-4" />}
      title={title}
      actions={
        <button
          type="button"
          className="rounded p-1 text-slate-300 hover:bg-slate-800 hover:text-white"
          aria-label={collapsed ? "Show uploads" : "Hide uploads"}
          onClick={() => setCollapsed(!collapsed)}
        >
          {collapsed ? <ChevronUp className="size-4" /> : <ChevronDown className="size-4" />}
        </button>
      }
    >
      {collapsed ? null : (
        <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
          {tasks.map((task) => (
            <TaskRow key={task.key} task={task} now={now} />
          ))}
        </ul>
      )}
    </FloatingTray>
  );
}
