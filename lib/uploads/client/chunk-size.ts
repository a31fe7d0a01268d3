import { BROWSER_CHUNKS } from "../protocol";

const MiB = 1024 * 1024;

export type ChunkPolicy = { initial: number; min: number; max: number; targetSeconds: number; growth: number };

/**
 * The size of the browser's next PATCH, from the throughput the previous ones measured: each should
 * last about `targetSeconds`. Every request costs a pause in sending: the server's fixed work (about
 * 6.5 ms), the round trip, and above all the end of the request, when the server writes and hashes
 * what it still holds (up to 32 MiB) before it answers and the browser starts the next one; on a fast
 * link or a busy server that is tens to hundreds of milliseconds, so requests of seconds keep it a
 * small share (docs/decisions.md, "Browser"). On a slow link a request stays short enough that a
 * proxy or a flaky link rarely cuts it, and a cut one loses nothing: the next resumes from the
 * server's offset.
 */
export class ChunkSizer {
  private size: number;
  private ceiling: number;

  constructor(private readonly policy: ChunkPolicy = BROWSER_CHUNKS) {
    this.size = policy.initial;
    this.ceiling = policy.max;
  }

  /** Bytes for the next PATCH. */
  get next(): number {
    return this.size;
  }

  /** Bytes for the next PATCH when `remaining` are left to send: all of them when the rest would be a short request of its own. */
  nextOf(remaining: number): number {
    return remaining <= this.ceiling && remaining < this.size * 1.5 ? remaining : this.size;
  }

  /** A PATCH carried `bytes` in `ms`, from its start to the server's answer. */
  measured(bytes: number, ms: number): void {
    // A short PATCH (the end of the file, the rest of a cut one) says more about the fixed cost than the link.
    if (bytes < this.policy.min || ms <= 0) return;
    const ideal = (bytes / ms) * 1000 * this.policy.targetSeconds;
    // Grow step by step: one fast request on an idle moment should not make the next one huge.
    const bounded = Math.min(ideal, this.size * this.policy.growth, this.ceiling);
    this.size = Math.max(this.policy.min, Math.floor(bounded / MiB) * MiB);
  }

  /**
   * A PATCH of `bytes` was refused as too large (413: a proxy's body limit): later ones stay at half
   * its size. False when it cannot go smaller, so the refusal stands.
   */
  tooLarge(bytes: number): boolean {
    if (bytes <= this.policy.min) return false;
    this.ceiling = Math.max(this.policy.min, Math.floor(bytes / 2 / MiB) * MiB);
    this.size = Math.min(this.size, this.ceiling);
    return true;
  }
}
