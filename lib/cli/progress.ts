import { clockDuration, humanBytes } from "../units";

const RENDER_INTERVAL_MS = 100;
const SPEED_WINDOW_MS = 5000;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

/**
 * A one-line progress bar with bytes, speed and time left, for a terminal.
 * On anything that is not a TTY (a pipe, a CI log) it prints nothing, so the
 * output of a script stays clean.
 */
export class ProgressBar {
  private done: number;
  private readonly samples: { at: number; done: number }[] = [];
  private lastRender = 0;
  private status = "";
  /** Whether it draws: only on a terminal, so callers print plain lines for what matters elsewhere. */
  readonly enabled: boolean;
  private readonly stream: ProgressStream;
  private readonly now: () => number;

  constructor(
    private readonly label: string,
    private total: number,
    options: { initial?: number; stream?: ProgressStream; now?: () => number } = {},
  ) {
    this.done = options.initial ?? 0;
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.enabled = Boolean(this.stream.isTTY);
    this.samples.push({ at: this.now(), done: this.done });
  }

  /** Bytes per second over the last few seconds. */
  speed(): number {
    const first = this.samples.at(0);
    const last = this.samples.at(-1);
    if (!first || !last || last.at <= first.at) return 0;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }

  update(done: number, total = this.total): void {
    this.done = done;
    this.total = total;
    const at = this.now();
    this.samples.push({ at, done });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? at) < at - SPEED_WINDOW_MS) this.samples.shift();
    if (at - this.lastRender >= RENDER_INTERVAL_MS) this.render();
  }

  /** A word shown instead of the time left, such as "reconnecting". */
  setStatus(status: string): void {
    this.status = status;
    this.render();
  }

  line(width: number): string {
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const speed = this.speed();
    const left = this.status || (speed > 0 ? `${clockDuration((this.total - this.done) / speed)} left` : "");
    const figures = `${(fraction * 100).toFixed(0).padStart(3)}%  ${humanBytes(this.done)} / ${humanBytes(this.total)}  ${speed > 0 ? `${humanBytes(speed)}/s` : ""}  ${left}`;
    const barWidth = Math.max(10, Math.min(40, width - this.label.length - figures.length - 6));
    const filled = Math.round(fraction * barWidth);
    return `${this.label} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${figures}`;
  }

  private render(): void {
    if (!this.enabled) return;
    this.lastRender = this.now();
    const width = this.stream.columns ?? 80;
    this.stream.write(
      `\r${this.line(width)
        .slice(0, width - 1)
        .padEnd(width - 1)}`,
    );
  }

  /** Draws the final state and moves to the next line. */
  finish(): void {
    if (!this.enabled) return;
    this.render();
    this.stream.write("\n");
  }
}
