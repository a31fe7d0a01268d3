import { type Leadership, soleNode } from "./cluster/leadership";
import { jobLeader, jobRuns } from "./metrics/metrics";

/**
 * Runs `round` now and then every `intervalMs`, never two rounds at once (a slow round makes the next tick
 * skip rather than pile up); a failed round is logged and the next one tries again. With several nodes on one
 * database, a round runs only on the node that `leadership` names for the job (lib/cluster/leadership.ts).
 * Returns a function that stops it and resolves once a round under way has ended (a graceful shutdown closes
 * the database after it).
 */
export function every(intervalMs: number, name: string, round: () => Promise<string | null>, leadership: Leadership = soleNode): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const led = async () => {
    const leads = await leadership.holds(name);
    jobLeader.set({ job: name }, leads ? 1 : 0);
    if (!leads) {
      jobRuns.inc({ job: name, outcome: "skipped" });
      return null;
    }
    const summary = await round();
    jobRuns.inc({ job: name, outcome: "done" });
    return summary;
  };
  const tick = () => {
    if (running) return;
    running = led()
      .then((summary) => summary && console.log(`${name}: ${summary}`))
      .catch((error: unknown) => {
        jobRuns.inc({ job: name, outcome: "failed" });
        console.error(`${name} failed`, error);
      })
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
