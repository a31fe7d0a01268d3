import { TransferMeter } from "../../uploads/transfer-meter";
import type { ImportView } from "../view";

/** An import this tab started, with the speed and time left the tray shows (as an upload's). */
export interface ImportTask {
  view: ImportView;
  speed: number | null;
  secondsLeft: number | null;
  /** Why the last request failed (the server unreachable): shown, and tried again. */
  error: string | null;
}

const ENDED = new Set(["done", "failed", "cancelled"]);
const POLL_MS = 1000;

export interface ImportApi {
  get(id: string): Promise<ImportView>;
  cancel(id: string): Promise<ImportView>;
}

async function answer(response: Response): Promise<ImportView> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | ImportView | null;
  if (!response.ok) throw new Error((body as { error?: { message?: string } } | null)?.error?.message ?? `The server answered ${response.status}.`);
  return body as ImportView;
}

export const importApi: ImportApi = {
  get: async (id) => answer(await fetch(`/api/v1/images/imports/${encodeURIComponent(id)}`, { cache: "no-store" })),
  cancel: async (id) => answer(await fetch(`/api/v1/images/imports/${encodeURIComponent(id)}`, { method: "DELETE" })),
};

/**
 * The imports of this tab: each is polled every second until it ends (the server downloads; closing the
 * tab does not stop it), its speed and time left measured from the bytes received as an upload's are.
 */
export class ImportTasks {
  private tasks: readonly ImportTask[] = [];
  private readonly meters = new Map<string, TransferMeter>();
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly api: ImportApi = importApi) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly ImportTask[] => this.tasks;

  add(view: ImportView): void {
    this.meters.set(view.id, new TransferMeter());
    this.tasks = [{ view, speed: null, secondsLeft: null, error: null }, ...this.tasks.filter((task) => task.view.id !== view.id)];
    this.emit();
    this.schedule();
  }

  async cancel(id: string): Promise<void> {
    try {
      this.update(await this.api.cancel(id));
    } catch (error) {
      this.replace(id, { error: (error as Error).message });
    }
  }

  dismiss(id: string): void {
    this.tasks = this.tasks.filter((task) => task.view.id !== id);
    this.meters.delete(id);
    this.emit();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer || !this.tasks.some((task) => !ENDED.has(task.view.status))) return;
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    const pending = this.tasks.filter((task) => !ENDED.has(task.view.status));
    await Promise.all(
      pending.map(async ({ view }) => {
        try {
          this.update(await this.api.get(view.id));
        } catch (error) {
          this.replace(view.id, { error: (error as Error).message });
        }
      }),
    );
    this.timer = null;
    this.schedule();
  }

  private update(view: ImportView): void {
    const meter = this.meters.get(view.id);
    meter?.sample(view.received, Date.now());
    this.replace(view.id, {
      view,
      error: null,
      speed: meter?.bytesPerSecond ?? null,
      secondsLeft: view.total === null ? null : (meter?.secondsLeft(view.total) ?? null),
    });
  }

  private replace(id: string, change: Partial<ImportTask>): void {
    this.tasks = this.tasks.map((task) => (task.view.id === id ? { ...task, ...change } : task));
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
