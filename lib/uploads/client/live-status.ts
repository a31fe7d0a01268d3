import type { ImageProgress } from "../../catalog/progress";
import { fetchImageProgress } from "./api";

/** Where one image stands, as the server last said. */
export type LiveImage = Omit<ImageProgress, "id">;

/** How often to ask: often while an image validates (its progress moves by the second), less while one only uploads. */
export const POLL_MS = { validating: 1500, uploading: 5000 };

const IN_FLUX = new Set<string>(["uploading", "validating"]);

const same = (a: LiveImage | null | undefined, b: LiveImage | null) =>
  a === b ||
  (!!a && !!b && a.status === b.status && a.uploadProgress === b.uploadProgress && a.validationProgress === b.validationProgress && a.failures === b.failures);
const BATCH = 100;

export interface LiveStatusDeps {
  /** The progress of these images; null when the request failed (tried again at the next round). */
  fetchProgress(ids: string[]): Promise<ImageProgress[] | null>;
}

/**
 * The page's one source of live status: every component that shows an image in flux (a catalog
 * row, the image page, the upload tray) watches its id here, and one timer asks the server about
 * all of them at once, until each is settled. It reads the database through the API, so it works
 * the same whichever node behind a balancer answers. When an image's status moves on, listeners of
 * onStatusChange hear it (the portal then re-renders the page from the server once).
 */
export class LiveStatus {
  private readonly watchers = new Map<string, number>();
  private entries: ReadonlyMap<string, LiveImage | null> = new Map();
  private readonly listeners = new Set<() => void>();
  private readonly changeListeners = new Set<(ids: string[]) => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private polling = false;
  private disposed = false;

  constructor(private readonly deps: LiveStatusDeps = { fetchProgress: fetchImageProgress }) {}

  /**
   * Follows `id` until the returned function is called (watches are counted: the last one to stop
   * ends it). `known`, what the server rendered, is the value until the first answer.
   */
  watch(id: string, known?: LiveImage): () => void {
    this.watchers.set(id, (this.watchers.get(id) ?? 0) + 1);
    if (known && !this.entries.has(id)) this.replace(id, known);
    this.schedule();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      const count = (this.watchers.get(id) ?? 1) - 1;
      if (count > 0) {
        this.watchers.set(id, count);
        return;
      }
      this.watchers.delete(id);
      this.replace(id, undefined);
    };
  }

  /** The last answer for `id`: null when the server no longer shows the image (deleted), undefined before any. */
  get(id: string): LiveImage | null | undefined {
    return this.entries.get(id);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ReadonlyMap<string, LiveImage | null> => this.entries;

  /** Calls `listener` with the ids whose status changed (or which disappeared) in one round. */
  onStatusChange(listener: (ids: string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Stops asking (the page is going away). */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Asks the server now about every watched image still in flux; the timer calls it. */
  async poll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.polling || this.disposed) return;
    const due = this.due();
    this.polling = true;
    try {
      const answers = new Map<string, LiveImage>();
      let failed = false;
      for (let start = 0; start < due.length; start += BATCH) {
        const batch = due.slice(start, start + BATCH);
        const result = await this.deps.fetchProgress(batch).catch(() => null);
        if (result === null) failed = true;
        for (const { id, ...image } of result ?? []) answers.set(id, image);
      }
      if (!failed) this.record(due, answers);
    } finally {
      this.polling = false;
    }
    this.schedule();
  }

  private record(asked: string[], answers: Map<string, LiveImage>): void {
    const next = new Map(this.entries);
    const moved: string[] = [];
    let changed = false;
    for (const id of asked) {
      // Stopped watching while the request was out.
      if (!this.watchers.has(id)) continue;
      const before = this.entries.get(id);
      const after = answers.get(id) ?? null;
      if (before !== undefined && (before?.status ?? null) !== (after?.status ?? null)) moved.push(id);
      if (!same(before, after)) {
        next.set(id, after);
        changed = true;
      }
    }
    if (changed) {
      this.entries = next;
      this.emit();
    }
    if (moved.length > 0) for (const listener of this.changeListeners) listener(moved);
  }

  /** Watched images not known to be settled: the ones to ask about. */
  private due(): string[] {
    return [...this.watchers.keys()].filter((id) => {
      const entry = this.entries.get(id);
      return entry === undefined || (entry !== null && IN_FLUX.has(entry.status));
    });
  }

  private schedule(): void {
    if (this.polling || this.disposed) return;
    const due = this.due();
    if (due.length === 0) return;
    const validating = due.some((id) => this.entries.get(id)?.status !== "uploading");
    const at = Date.now() + (validating ? POLL_MS.validating : POLL_MS.uploading);
    // A timer set for later (only uploads were watched) is brought forward for an image that validates.
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => void this.poll(), at - Date.now());
  }

  private replace(id: string, value: LiveImage | null | undefined): void {
    const next = new Map(this.entries);
    if (value === undefined) next.delete(id);
    else next.set(id, value);
    this.entries = next;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
