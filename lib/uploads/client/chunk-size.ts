import { BROWSER_CHUNKS } from "../protocol";

const MiB = 1024 * 1024;

export type ChunkPolicy = { initial: number; min: number; max: number; targetSeconds: number; growth: number };

/**
 * The size of the browser's next PATCH, from the throughput the previous ones measured: each
 * should last about `targetSeconds`, so that the fixed cost of a request (about 6.5 ms on the
 * server, plus the round trip and the gap before the next one starts) stays a small share on a fast
 * link, while on a slow one a request stays short enough that a proxy or a flaky link rarely cuts
 * it (and a cut one loses nothing: the next resumes from the server's offset). A fixed 32 MiB cost
 * 40 % of the throughput on loopback (docs/benchmarks.md, "Browser").
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
