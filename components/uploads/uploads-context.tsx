"use client";

import { createContext, useContext, useEffect, useSyncExternalStore } from "react";
import type { ImageStatus } from "@/lib/catalog/image";
import type { Intake, UploadIntake } from "@/lib/uploads/client/intake";
import type { LiveStatus } from "@/lib/uploads/client/live-status";
import { SENT } from "@/lib/uploads/client/state";
import type { UploadManager, UploadTask } from "@/lib/uploads/client/upload-manager";
import type { UploadLimits } from "@/lib/uploads/limits";

/** The browser upload client of this tab (lib/uploads/client), made once by UploadRoot in the portal layout. */
export interface Uploads {
  manager: UploadManager;
  intake: UploadIntake;
  live: LiveStatus;
  limits: UploadLimits;
}

export const UploadsContext = createContext<Uploads | null>(null);

export function useUploads(): Uploads {
  const uploads = useContext(UploadsContext);
  if (!uploads) throw new Error("useUploads outside UploadRoot");
  return uploads;
}

const NO_TASKS: readonly UploadTask[] = [];
const noSubscription = () => () => undefined;

/** Every upload of this tab, as the tray lists them. */
export function useUploadTasks(): readonly UploadTask[] {
  const { manager } = useUploads();
  return useSyncExternalStore(manager.subscribe, manager.getSnapshot, () => NO_TASKS);
}

/**
 * One figure derived from this tab's uploads. A component reading only it re-renders when it
 * changes, not at every progress event of every upload (a catalog page has a row per image).
 */
export function useUploadsFigure<T extends string | number | boolean | null>(figure: (tasks: readonly UploadTask[]) => T, initial: T): T {
  const manager = useContext(UploadsContext)?.manager;
  return useSyncExternalStore(
    manager?.subscribe ?? noSubscription,
    () => (manager ? figure(manager.getSnapshot()) : initial),
    () => initial,
  );
}

/** The upload dialog's files, or null when it is closed. */
export function useIntake(): Intake | null {
  const { intake } = useUploads();
  return useSyncExternalStore(intake.subscribe, intake.getSnapshot, () => null);
}

/** The share of an image's bytes this tab has sent, while it uploads it; null otherwise (or outside the portal). */
export function useUploadProgress(imageId: string): number | null {
  return useUploadsFigure((tasks) => {
    const task = tasks.find((candidate) => candidate.imageId === imageId && !SENT.includes(candidate.state.name));
    return task && task.size > 0 ? Math.floor((task.sent / task.size) * 100) : null;
  }, null);
}

export interface LiveFigures {
  status: ImageStatus;
  validationProgress: number;
  /** The share of the bytes the server has received, while uploading (from any client). */
  uploadProgress: number | null;
}

/**
 * An image as the server last said, kept current while it is uploading or validating: the component
 * watches it in the tab's one LiveStatus, which polls for every such image at once.
 */
export function useLiveImage(image: { id: string; status: ImageStatus; validationProgress: number }): LiveFigures {
  const live = useContext(UploadsContext)?.live;
  const { id, status, validationProgress } = image;
  const inFlux = status === "uploading" || status === "validating";
  useEffect(() => {
    if (!live || !inFlux) return;
    return live.watch(id, { status, validationProgress, uploadProgress: null, failures: 0 });
  }, [live, inFlux, id, status, validationProgress]);
  // The entry itself: the store replaces it only when the server's answer changed.
  const known = useSyncExternalStore(
    live?.subscribe ?? noSubscription,
    () => live?.get(id),
    () => undefined,
  );
  const entry = inFlux ? known : undefined;
  return entry
    ? { status: entry.status, validationProgress: entry.validationProgress, uploadProgress: entry.uploadProgress }
    : { status, validationProgress, uploadProgress: null };
}
