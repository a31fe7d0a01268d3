"use client";

import { useRouter } from "next/navigation";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import * as tus from "tus-js-client";
import { imageProgressAction } from "@/app/(portal)/images/actions";
import type { Visibility } from "@/lib/catalog/image";
import { serverMessage, UPLOAD_CHUNK_SIZE, UPLOAD_RETRY_DELAYS } from "@/lib/uploads/client-options";
import { UPLOAD_PATH } from "@/lib/uploads/endpoint";
import type { UploadLimits } from "@/lib/uploads/limits";
import { TransferMeter } from "@/lib/uploads/transfer-meter";
import { StartUploadDialog } from "./start-upload-dialog";
import { UploadTray } from "./upload-tray";

export type TaskStatus = "creating" | "uploading" | "paused" | "reconnecting" | "offline" | "done" | "failed";

/** One upload as the tray shows it. */
export interface UploadTask {
  key: string;
  name: string;
  fileName: string;
  size: number;
  visibility: Visibility;
  status: TaskStatus;
  sent: number;
  /** Bytes per second, when known. */
  speed: number | null;
  secondsLeft: number | null;
  /** Where this session started sending, when it resumed an upload the server already had part of. */
  resumedAt: number | null;
  /** Reconnecting: the attempt number and when it is made (ms since the epoch). */
  retry: { attempt: number; at: number } | null;
  message: string | null;
  imageId: string | null;
  url: string | null;
  /** After the last byte: where the image's validation stands. */
  validation: { status: string; progress: number; failures: number } | null;
}

/** What starting an upload needs: the file, its image's name and properties, and a server upload to continue. */
export interface UploadStart {
  file: File;
  name: string;
  visibility: Visibility;
  metadata: Record<string, string>;
  resumeUrl?: string;
}

interface UploadContextValue {
  tasks: UploadTask[];
  limits: UploadLimits;
  /** Opens the file picker; the chosen files go to the start dialog. */
  pick(visibility: Visibility): void;
  /** Dropped or picked files: asks for names and properties, checks each file, then starts. */
  offer(files: File[], visibility: Visibility): void;
  /** Starts one upload; resolves once the server created it (or refused, with its message). */
  begin(start: UploadStart): Promise<{ ok: true } | { ok: false; message: string }>;
  pause(key: string): void;
  resume(key: string): void;
  cancel(key: string): void;
  dismiss(key: string): void;
}

const UploadContext = createContext<UploadContextValue | null>(null);

export function useUploads(): UploadContextValue {
  const context = useContext(UploadContext);
  if (!context) throw new Error("useUploads outside UploadProvider");
  return context;
}

/** The share of an image's bytes this browser has sent, while it uploads it; null otherwise. */
export function useUploadProgress(imageId: string): number | null {
  const context = useContext(UploadContext);
  const task = context?.tasks.find((candidate) => candidate.imageId === imageId && candidate.status !== "done");
  return task && task.size > 0 ? Math.floor((task.sent / task.size) * 100) : null;
}

const ACTIVE: TaskStatus[] = ["creating", "uploading", "reconnecting", "offline"];
const PROGRESS_RENDER_MS = 250;

interface Running {
  upload: tus.Upload;
  meter: TransferMeter;
  lastRender: number;
}

/**
 * Every upload of this browser tab, kept in the portal layout so that they go on
 * while the user moves between pages: tus-js-client with retries and back-off,
 * pause, resume and cancel, progress with speed and time left.
 */
export function UploadProvider({ limits, children }: { limits: UploadLimits; children: ReactNode }) {
  const router = useRouter();
  const [tasks, setTasks] = useState<UploadTask[]>([]);
  const [offered, setOffered] = useState<{ files: File[]; visibility: Visibility } | null>(null);
  const running = useRef(new Map<string, Running>());
  const picker = useRef<HTMLInputElement>(null);
  const pickFor = useRef<Visibility>("private");

  const update = useCallback((key: string, change: Partial<UploadTask>) => {
    setTasks((current) => current.map((task) => (task.key === key ? { ...task, ...change } : task)));
  }, []);

  const begin = useCallback(
    (start: UploadStart) =>
      new Promise<{ ok: true } | { ok: false; message: string }>((resolve) => {
        const key = crypto.randomUUID();
        const meter = new TransferMeter();
        let created = false;
        const task: UploadTask = {
          key,
          name: start.name,
          fileName: start.file.name,
          size: start.file.size,
          visibility: start.visibility,
          status: "creating",
          sent: 0,
          speed: null,
          secondsLeft: null,
          resumedAt: null,
          retry: null,
          message: null,
          imageId: null,
          url: null,
          validation: null,
        };
        const upload = new tus.Upload(start.file, {
          endpoint: UPLOAD_PATH,
          uploadUrl: start.resumeUrl ?? null,
          chunkSize: UPLOAD_CHUNK_SIZE,
          retryDelays: UPLOAD_RETRY_DELAYS,
          metadata: start.metadata,
          storeFingerprintForResuming: true,
          removeFingerprintOnSuccess: true,
          onAfterResponse(req, res) {
            const imageId = res.getHeader("Hangar-Image-Id");
            if (imageId) update(key, { imageId });
            if (req.getMethod() === "HEAD" && res.getStatus() === 200) update(key, { resumedAt: Number(res.getHeader("Upload-Offset") ?? 0) });
          },
          onUploadUrlAvailable() {
            created = true;
            update(key, { status: "uploading", url: upload.url });
            resolve({ ok: true });
            // The image's row appears at once, as uploading.
            router.refresh();
          },
          onProgress(sent) {
            const now = Date.now();
            meter.sample(sent, now);
            const state = running.current.get(key);
            if (state && now - state.lastRender < PROGRESS_RENDER_MS && sent < start.file.size) return;
            if (state) state.lastRender = now;
            update(key, {
              status: "uploading",
              sent,
              speed: meter.bytesPerSecond,
              secondsLeft: meter.secondsLeft(start.file.size),
              retry: null,
              message: null,
            });
          },
          onShouldRetry(error, attempt) {
            const status = error.originalResponse?.getStatus() ?? 0;
            // 4xx means the server refused (gone, not yours, too large): trying again cannot help.
            const retry = !(status >= 400 && status < 500) || status === 409 || status === 423;
            if (retry && created) {
              meter.reset();
              update(key, {
                status: "reconnecting",
                retry: { attempt: attempt + 1, at: Date.now() + (UPLOAD_RETRY_DELAYS[attempt] ?? 0) },
                speed: null,
                secondsLeft: null,
              });
            }
            return retry && created;
          },
          onSuccess() {
            running.current.delete(key);
            update(key, { status: "done", sent: start.file.size, speed: null, secondsLeft: null, retry: null });
            router.refresh();
          },
          onError(error) {
            const message = serverMessage(error) ?? (navigator.onLine ? "The upload failed. Resume it to try again." : "You are offline.");
            if (!created) {
              running.current.delete(key);
              setTasks((current) => current.filter((candidate) => candidate.key !== key));
              resolve({ ok: false, message });
              return;
            }
            update(key, { status: navigator.onLine ? "failed" : "offline", message, retry: null, speed: null, secondsLeft: null });
          },
        });
        running.current.set(key, { upload, meter, lastRender: 0 });
        setTasks((current) => [...current, task]);
        upload.start();
      }),
    [router, update],
  );

  const resume = useCallback(
    (key: string) => {
      const state = running.current.get(key);
      if (!state) return;
      state.meter.reset();
      update(key, { status: "uploading", message: null, retry: null });
      state.upload.start();
    },
    [update],
  );

  // Follow the images this tab uploaded until validation has spoken.
  const following = tasks
    .filter((task) => task.status === "done" && task.imageId && !["ready", "rejected"].includes(task.validation?.status ?? ""))
    .map((task) => task.imageId as string);
  const followKey = following.join(",");
  useEffect(() => {
    if (!followKey) return;
    const timer = setInterval(async () => {
      const progress = await imageProgressAction(followKey.split(","));
      setTasks((current) =>
        current.map((task) => {
          const found = progress.find((item) => item.id === task.imageId);
          return found ? { ...task, validation: { status: found.status, progress: found.validationProgress, failures: found.failures } } : task;
        }),
      );
      if (progress.some((item) => item.status === "ready" || item.status === "rejected")) router.refresh();
    }, 1500);
    return () => clearInterval(timer);
  }, [followKey, router]);

  // Back online: uploads that stopped for lack of a network continue by themselves.
  useEffect(() => {
    const online = () => tasks.filter((task) => task.status === "offline").forEach((task) => resume(task.key));
    window.addEventListener("online", online);
    return () => window.removeEventListener("online", online);
  }, [tasks, resume]);

  // Leaving the page pauses the uploads; say so before it happens.
  const active = tasks.some((task) => ACTIVE.includes(task.status));
  useEffect(() => {
    if (!active) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [active]);

  const value = useMemo<UploadContextValue>(
    () => ({
      tasks,
      limits,
      pick(visibility) {
        pickFor.current = visibility;
        picker.current?.click();
      },
      offer(files, visibility) {
        if (files.length > 0) setOffered({ files, visibility });
      },
      begin,
      pause(key) {
        const state = running.current.get(key);
        if (!state) return;
        void state.upload.abort();
        state.meter.reset();
        update(key, { status: "paused", speed: null, secondsLeft: null, retry: null });
      },
      resume,
      cancel(key) {
        const state = running.current.get(key);
        running.current.delete(key);
        setTasks((current) => current.filter((task) => task.key !== key));
        // Terminating removes the partial file and the image waiting for it.
        void state?.upload
          .abort(true)
          .catch(() => undefined)
          .then(() => router.refresh());
      },
      dismiss(key) {
        setTasks((current) => current.filter((task) => task.key !== key));
      },
    }),
    [tasks, limits, begin, resume, update, router],
  );

  return (
    <UploadContext.Provider value={value}>
      {children}
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="upload-file-input"
        onChange={(event) => {
          const files = Array.from(event.target.files ?? []);
          event.target.value = "";
          value.offer(files, pickFor.current);
        }}
      />
      {offered ? <StartUploadDialog files={offered.files} visibility={offered.visibility} onClose={() => setOffered(null)} /> : null}
      <UploadTray />
    </UploadContext.Provider>
  );
}
