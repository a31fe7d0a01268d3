import type { Visibility } from "../../catalog/image";
import { worthRetrying } from "../protocol";
import { TransferMeter } from "../transfer-meter";
import type { LiveImage, LiveStatus } from "./live-status";
import type { UploadStart } from "./plan";
import { REMOVED, transition, type UploadEvent, type UploadState } from "./state";
import type { Transfer, Transport } from "./tus-transport";

/** One upload as the tray shows it. */
export interface UploadTask {
  key: string;
  name: string;
  fileName: string;
  size: number;
  visibility: Visibility;
  state: UploadState;
  /** Bytes the server has acknowledged or is receiving. */
  sent: number;
  /** Bytes per second, when known. */
  speed: number | null;
  secondsLeft: number | null;
  /** Where this session started sending, when it continued an upload the server already had part of. */
  resumedFrom: number | null;
  imageId: string | null;
  url: string | null;
}

export type StartResult = { ok: true } | { ok: false; message: string };

/** What the manager needs from its surroundings; the browser's by default, a test's in Node. */
export interface ManagerDeps {
  transport: Transport;
  live: Pick<LiveStatus, "watch" | "subscribe" | "get">;
  now?: () => number;
  key?: () => string;
}

/** Something the page may want to redraw for: an image appeared (created), or its status moved on (uploaded, removed). */
export type ManagerNotice = "created" | "uploaded" | "removed";

// Twice a second is enough for figures a person reads, and every redraw costs the browser CPU the transfer could use.
const PROGRESS_RENDER_MS = 500;
const SETTLED_STATUSES = new Set(["ready", "rejected", "deprecated"]);

interface Running {
  transfer: Transfer;
  meter: TransferMeter;
  lastRender: number;
  settle: ((result: StartResult) => void) | null;
  unwatch: (() => void) | null;
}

/**
 * Every upload of one browser tab: owns the transfers (tus-js-client through a Transport), moves each
 * upload through the state machine (state.ts) and nothing else, and follows each image after its last
 * byte through the one live status source until validation has spoken. Framework-free: React reads it
 * with useSyncExternalStore (subscribe, getSnapshot).
 */
export class UploadManager {
  private tasks: readonly UploadTask[] = [];
  private readonly running = new Map<string, Running>();
  private readonly listeners = new Set<() => void>();
  private readonly noticeListeners = new Set<(notice: ManagerNotice) => void>();
  private readonly now: () => number;
  private readonly key: () => string;

  constructor(private readonly deps: ManagerDeps) {
    this.now = deps.now ?? Date.now;
    this.key = deps.key ?? (() => crypto.randomUUID());
    deps.live.subscribe(() => this.followValidation());
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly UploadTask[] => this.tasks;

  /** Calls `listener` when the page's server-rendered content is out of date. */
  onNotice(listener: (notice: ManagerNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** Starts one upload; resolves once the server created it (or refused, with its message). */
  start(start: UploadStart): Promise<StartResult> {
    const key = this.key();
    const task: UploadTask = {
      key,
      name: start.name,
      fileName: start.file.name,
      size: start.file.size,
      visibility: start.visibility,
      state: { name: "creating" },
      sent: 0,
      speed: null,
      secondsLeft: null,
      resumedFrom: null,
      imageId: null,
      url: null,
    };
    this.tasks = [...this.tasks, task];
    this.emit();
    let settle: (result: StartResult) => void = () => undefined;
    const started = new Promise<StartResult>((resolve) => {
      settle = resolve;
    });
    const transfer = this.deps.transport(start, {
      created: (url) => {
        this.update(key, { url });
        if (!this.apply(key, { type: "created" })) return;
        this.settle(key, { ok: true });
        this.notice("created");
      },
      imageId: (imageId) => this.update(key, { imageId }),
      resumedAt: (offset) => this.update(key, { resumedFrom: offset, sent: offset }),
      progress: (sent) => this.progress(key, sent),
      retrying: (attempt, delayMs) => {
        this.running.get(key)?.meter.reset();
        this.apply(key, { type: "connection_lost", attempt, at: this.now() + delayMs }, { speed: null, secondsLeft: null });
      },
      succeeded: () => {
        if (!this.apply(key, { type: "uploaded" }, { sent: start.file.size, speed: null, secondsLeft: null })) return;
        this.follow(key);
        this.notice("uploaded");
      },
      failed: ({ status, message, offline }) => {
        if (this.task(key)?.state.name === "creating") {
          // Refused at creation (a name taken, over the quota): the dialog shows why, and the upload is not listed.
          const reason = message ?? (offline ? "You are offline." : "The server could not be reached. Try again.");
          this.settle(key, { ok: false, message: reason });
          if (this.apply(key, { type: "failed", reason, resumable: false })) this.remove(key);
          return;
        }
        const reason = message ?? "The upload failed. Resume it to try again.";
        const event: UploadEvent = offline ? { type: "offline" } : { type: "failed", reason, resumable: worthRetrying(status, "PATCH") };
        this.apply(key, event, { speed: null, secondsLeft: null });
      },
    });
    this.running.set(key, { transfer, meter: new TransferMeter(), lastRender: 0, settle, unwatch: null });
    transfer.start();
    return started;
  }

  pause(key: string): void {
    const running = this.running.get(key);
    if (!running || !this.apply(key, { type: "pause" }, { speed: null, secondsLeft: null })) return;
    running.meter.reset();
    void running.transfer.stop();
  }

  resume(key: string): void {
    this.send(key, { type: "resume" });
  }

  /** The network is back: uploads that stopped for lack of it continue. */
  online(): void {
    for (const task of this.tasks) if (task.state.name === "offline") this.send(task.key, { type: "online" });
  }

  /** Stops an upload and has the server discard it and the image waiting for it. */
  async cancel(key: string): Promise<void> {
    const running = this.running.get(key);
    if (!running || !this.apply(key, { type: "cancel" })) return;
    running.settle?.({ ok: false, message: "Cancelled." });
    await running.transfer.discard().catch(() => undefined);
    this.notice("removed");
  }

  dismiss(key: string): void {
    this.apply(key, { type: "dismiss" });
  }

  private send(key: string, event: UploadEvent): void {
    const running = this.running.get(key);
    if (!running || !this.apply(key, event)) return;
    running.meter.reset();
    running.transfer.start();
  }

  private progress(key: string, sent: number): void {
    const running = this.running.get(key);
    const task = this.task(key);
    if (!running || !task) return;
    const now = this.now();
    running.meter.sample(sent, now);
    // Every event redrawn would be hundreds a second on a fast link.
    const quiet = now - running.lastRender < PROGRESS_RENDER_MS && sent < task.size && task.state.name === "uploading";
    if (quiet) return;
    running.lastRender = now;
    this.apply(key, { type: "sending" }, { sent, speed: running.meter.bytesPerSecond, secondsLeft: running.meter.secondsLeft(task.size) });
  }

  /** After the last byte: the image's status comes from the live status source. */
  private follow(key: string): void {
    const running = this.running.get(key);
    const imageId = this.task(key)?.imageId;
    if (!running || !imageId) return;
    running.unwatch = this.deps.live.watch(imageId);
    this.followValidation();
  }

  private followValidation(): void {
    for (const task of this.tasks) {
      if (task.state.name !== "validating" || !task.imageId) continue;
      const live: LiveImage | null | undefined = this.deps.live.get(task.imageId);
      if (live === undefined) continue;
      if (live === null) this.apply(task.key, { type: "failed", reason: "The image was deleted before its validation finished.", resumable: false });
      else if (live.status === "validating") this.apply(task.key, { type: "validation_progress", progress: live.validationProgress });
      else if (live.status === "rejected") this.apply(task.key, { type: "rejected", failures: live.failures });
      else if (SETTLED_STATUSES.has(live.status)) this.apply(task.key, { type: "accepted" });
    }
  }

  /** Moves an upload by `event` when its state allows it, with `change` to its figures; false when refused. */
  private apply(key: string, event: UploadEvent, change: Partial<Omit<UploadTask, "state">> = {}): boolean {
    const task = this.task(key);
    if (!task) return false;
    const next = transition(task.state, event);
    if (next === null) return false;
    if (next === REMOVED) {
      this.remove(key);
      return true;
    }
    // An unchanged validating progress redraws nothing.
    if (event.type === "validation_progress" && task.state.name === "validating" && task.state.progress === event.progress) return true;
    this.tasks = this.tasks.map((item) => (item.key === key ? { ...item, ...change, state: next } : item));
    this.emit();
    return true;
  }

  private update(key: string, change: Partial<Omit<UploadTask, "state">>): void {
    if (!this.task(key)) return;
    this.tasks = this.tasks.map((item) => (item.key === key ? { ...item, ...change } : item));
    this.emit();
  }

  private remove(key: string): void {
    this.running.get(key)?.unwatch?.();
    this.running.delete(key);
    this.tasks = this.tasks.filter((task) => task.key !== key);
    this.emit();
  }

  private settle(key: string, result: StartResult): void {
    const running = this.running.get(key);
    running?.settle?.(result);
    if (running) running.settle = null;
  }

  private task(key: string): UploadTask | undefined {
    return this.tasks.find((task) => task.key === key);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  private notice(notice: ManagerNotice): void {
    for (const listener of this.noticeListeners) listener(notice);
  }
}
