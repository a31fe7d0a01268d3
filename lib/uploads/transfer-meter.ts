/**
 * Speed and time left of a transfer from its progress events: an exponential
 * moving average of the rate over the last few seconds, so the figures move
 * smoothly and follow a link that changes speed.
 */
export class TransferMeter {
  private last: { at: number; bytes: number } | null = null;
  private rate: number | null = null;

  /** `halfLifeMs`: how fast older samples stop counting. */
  constructor(private readonly halfLifeMs = 3000) {}

  /** Records that `bytes` (a running total) had been sent at time `at` (ms). */
  sample(bytes: number, at: number): void {
    if (this.last && at > this.last.at && bytes >= this.last.bytes) {
      const elapsed = at - this.last.at;
      // Samples closer than this say more about the event loop than about the link.
      if (elapsed < 200) return;
      const instant = ((bytes - this.last.bytes) / elapsed) * 1000;
      const weight = 1 - 0.5 ** (elapsed / this.halfLifeMs);
      this.rate = this.rate === null ? instant : this.rate + weight * (instant - this.rate);
    }
    this.last = { at, bytes };
  }

  /** Forgets the history: after a pause or a reconnection the old rate says nothing. */
  reset(): void {
    this.last = null;
    this.rate = null;
  }

  /** Bytes per second, or null before two samples. */
  get bytesPerSecond(): number | null {
    return this.rate;
  }

  /** Seconds until `total` bytes at the current rate, or null when unknown. */
  secondsLeft(total: number): number | null {
    if (!this.rate || !this.last || this.rate <= 0) return null;
    return Math.max(0, (total - this.last.bytes) / this.rate);
  }
}

/** 38 -> "38 s", 250 -> "4 min", 7500 -> "2 h 5 min": time left as people say it. */
export function humanDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}
